import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeAutograderZip, type AutograderSettings } from '../grading/gradescope-bundle';
import { checkParameterName } from '../grading/parameters';
import { parseNotebook } from '../notebook/nbformat';
import { parseIsolation } from '../runner/isolation';

export const GRADESCOPE_USAGE = 'usage: sockbook gradescope INSTRUCTOR.ipynb [-o autograder.zip] [--cell-timeout S] [--timeout S] [--isolate net,tmp] [-p NAME=VALUE] [--strict]';

export const GRADESCOPE_HELP = `${GRADESCOPE_USAGE}

Writes Gradescope's autograder bundle: setup.sh (installs gcc, Node.js 20 and
sockbook, whose source is in the zip, on Gradescope's Ubuntu image) and
run_autograder (runs the submitted notebook with INSTRUCTOR.ipynb's graded
cells as hidden tests, as sockbook run --tests does, and writes
results/results.json).

  -o, --output FILE      the zip (default: autograder.zip)
  --cell-timeout S       each cell's limit in the autograder (default 60)
  --timeout S            the whole notebook's limit
  --isolate net,tmp      namespaces for the commands (where the container allows)
  -p, --parameter NAME=VALUE
                         a parameter for every submission (repeatable)
  --strict               a failing %run command fails its cell
  -h, --help             this help`;

class GradescopeUsageError extends Error {}

function positiveSeconds(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new GradescopeUsageError(`${option} takes a number of seconds, not ${JSON.stringify(value)}`);
  return n;
}

function parse(argv: string[]): { settings: AutograderSettings; output: string } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        output: { type: 'string', short: 'o' },
        'cell-timeout': { type: 'string' },
        timeout: { type: 'string' },
        isolate: { type: 'string' },
        parameter: { type: 'string', short: 'p', multiple: true },
        strict: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new GradescopeUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new GradescopeUsageError(positionals.length === 0 ? "which instructor's notebook?" : 'one instructor notebook, please');
  const parameters = (values.parameter ?? []).map((p) => {
    const equals = p.indexOf('=');
    if (equals <= 0) throw new GradescopeUsageError(`-p ${p}: write -p NAME=VALUE`);
    const parameter = { name: p.slice(0, equals), value: p.slice(equals + 1) };
    try {
      checkParameterName(parameter.name);
    } catch (error) {
      throw new GradescopeUsageError((error as Error).message);
    }
    return parameter;
  });
  if (values.isolate !== undefined) {
    try {
      parseIsolation(values.isolate);
    } catch (error) {
      throw new GradescopeUsageError(`--isolate: ${(error as Error).message}`);
    }
  }
  return {
    output: path.resolve(values.output ?? 'autograder.zip'),
    settings: {
      instructorNotebook: path.resolve(positionals[0]),
      cellTimeoutSeconds: positiveSeconds('--cell-timeout', values['cell-timeout']) ?? 60,
      timeoutSeconds: positiveSeconds('--timeout', values.timeout),
      isolate: values.isolate,
      parameters,
      strict: values.strict === true,
    },
  };
}

/** `sockbook gradescope INSTRUCTOR.ipynb -o autograder.zip`. Resolves to the exit status. */
export async function gradescopeCommand(argv: string[]): Promise<number> {
  let request;
  try {
    request = parse(argv);
  } catch (error) {
    if (!(error instanceof GradescopeUsageError)) throw error;
    process.stderr.write(`sockbook gradescope: ${error.message}\n${GRADESCOPE_USAGE}\n`);
    return 2;
  }
  if (request === 'help') {
    process.stdout.write(`${GRADESCOPE_HELP}\n`);
    return 0;
  }
  const { settings, output } = request;
  try {
    // The instructor's notebook is checked now, not on Gradescope for every submission.
    const nb = parseNotebook(await readFile(settings.instructorNotebook, 'utf8'), settings.instructorNotebook);
    const graded = nb.cells.filter((c) => {
      const mark = c.metadata.nbgrader as { grade?: unknown; solution?: unknown } | undefined;
      return mark?.grade === true && mark.solution !== true;
    }).length;
    if (graded === 0) process.stderr.write(`sockbook gradescope: warning: ${settings.instructorNotebook} has no graded test cell (nbgrader grade: true); every submission will score 0\n`);
    const entries = await writeAutograderZip(settings, output);
    process.stdout.write(`wrote ${output}: ${entries.join(', ')} (${graded} hidden test cell(s)); upload it as the autograder's zip file\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`sockbook gradescope: ${(error as Error).message}\n`);
    return 2;
  }
}
