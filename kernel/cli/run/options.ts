import { parseArgs } from 'node:util';
import { parseIsolation, type IsolationKind } from '../../runner/isolation';
import { EXIT_CODE_HELP } from '../../grading/exit-codes';
import { checkParameterName, type Parameter } from '../../grading/parameters';

/** What `sockbook run` was asked to do, checked. */
export interface RunOptions {
  notebooks: string[];
  /** -o: the executed notebook (one notebook; default: in place). */
  output?: string;
  /** --out-dir: DIR/NAME.ipynb for each notebook, each run in a kernel of its own. */
  outDir?: string;
  /** --junit: a file name, or (with --out-dir) true for DIR/NAME.junit.xml. */
  junit?: string | true;
  /** --results: a file name, or (with --out-dir) true for DIR/NAME.results.json. */
  results?: string | true;
  /** --html: a file name, or (with --out-dir) true for DIR/NAME.html (always written with --out-dir). */
  html?: string | true;
  /** --tests: an instructor's notebook whose graded cells replace the student's. */
  tests?: string;
  /** --keep-workdir: the private working directory is not removed after the run. */
  keepWorkdir: boolean;
  /** --files: where what the notebook wrote in its working directory is kept (with --out-dir: DIR/NAME.files). */
  files?: string;
  /** --workdir-exclude: paths not copied into the working directory (set by --out-dir for its children). */
  workdirExclude: string[];
  /** --workdir-parent: where the working directory is made (set by --out-dir, which removes it even when a run is killed). */
  workdirParent?: string;
  jobs: number;
  /** --name: the notebook's name in the reports (default: its file name without .ipynb). */
  name?: string;
  /** --isolate (undefined: SOCKBOOK_ISOLATE decides, as for the kernel). */
  isolate?: IsolationKind[];
  cellTimeoutSeconds?: number;
  timeoutSeconds?: number;
  parameters: Parameter[];
  strict: boolean;
  allowErrors: boolean;
  quiet: boolean;
  /** Progress sent to the parent `sockbook run` over IPC (set by --out-dir for its children). */
  progressIpc: boolean;
  help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULT_CELL_TIMEOUT_SECONDS = 600;

export const RUN_USAGE = `usage: sockbook run NOTEBOOK [-o OUT.ipynb] [--junit FILE] [--results FILE] [options]
       sockbook run NOTEBOOK... --out-dir DIR [--jobs N] [--junit] [--results] [options]`;

export const RUN_HELP = `${RUN_USAGE}

Executes notebooks through the kernel, without Python, and reports on them.

  -o, --output FILE      where the executed notebook goes (default: in place)
  --out-dir DIR          run each notebook in a kernel of its own; NAME.ipynb gets
                         DIR/NAME.ipynb, DIR/NAME.log (what it printed),
                         DIR/NAME.html and DIR/NAME.files/ (what it wrote)
  -j, --jobs N           with --out-dir: N notebooks at a time (default 1)
  --name NAME            the notebook's name in the reports (default: its file
                         name; with --out-dir, NAME as above)
  --junit [FILE]         JUnit XML: a testcase per code cell, output on failure
                         (with --out-dir: no FILE, DIR/NAME.junit.xml)
  --results [FILE]       Gradescope results.json from the nbgrader-graded cells
                         (with --out-dir: no FILE, DIR/NAME.results.json)
  --html [FILE]          the executed notebook with its scores as one HTML page
                         (with --out-dir: no FILE, always DIR/NAME.html)
  --tests INSTRUCTOR.ipynb
                         hidden tests: its graded cells replace the student's
                         cells of the same nbgrader grade_id (and are added
                         where the student deleted them)
  --files DIR            keep what the notebook wrote in its working directory
                         in DIR (with --out-dir: DIR/NAME.files)
  --keep-workdir         do not remove the run's private working directory
  --workdir-exclude PATH a path not copied into the working directory
                         (repeatable; set by --out-dir for its children)
  --workdir-parent DIR   make the working directory in DIR (default: the
                         system's temporary directory; set by --out-dir)
  --cell-timeout S       stop a cell after S seconds: CellTimeoutError, the run
                         goes on (default ${DEFAULT_CELL_TIMEOUT_SECONDS})
  --timeout S            stop the notebook after S seconds in all
  -p, --parameter NAME VALUE
                         a const NAME in a cell tagged injected-parameters (after
                         the cell tagged parameters) and $NAME for every command;
                         repeatable; NAME=VALUE works too
  --isolate net,tmp      commands get their own network namespace and /tmp
                         (default: SOCKBOOK_ISOLATE), as for sockbook kernel
  --strict               a failing %run command fails its cell
  --allow-errors         go on after a cell ends in error
  -q, --quiet            print only errors and the summary
  --progress-ipc         report progress to a parent sockbook run (used by --out-dir)
  -h, --help             this help

Each run works in a private copy of the notebook's directory (other
notebooks left out), removed afterwards unless --keep-workdir.

Cell tags: raises-exception (an error is expected), skip-execution (not run).
A timeout or a death of the executor never stops the run; other errors do,
unless --allow-errors or the cell is tagged raises-exception.

${EXIT_CODE_HELP}`;

function seconds(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${option} takes a number of seconds, not ${JSON.stringify(value)}`);
  return n;
}

/** With --out-dir, a bare --junit or --results takes no file name: it is given an empty one so the parser does not take the next word. */
function markBareReportFlags(argv: string[]): string[] {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  if (!options.some((a) => a === '--out-dir' || a.startsWith('--out-dir='))) return argv;
  const marked = options.map((a) => (a === '--junit' || a === '--results' || a === '--html' ? `${a}=` : a));
  return end < 0 ? marked : [...marked, ...argv.slice(end)];
}

export function parseRunOptions(argv: string[]): RunOptions {
  const args = markBareReportFlags(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: {
        output: { type: 'string', short: 'o' },
        'out-dir': { type: 'string' },
        junit: { type: 'string' },
        results: { type: 'string' },
        html: { type: 'string' },
        tests: { type: 'string' },
        files: { type: 'string' },
        'keep-workdir': { type: 'boolean' },
        'workdir-exclude': { type: 'string', multiple: true },
        'workdir-parent': { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        name: { type: 'string' },
        isolate: { type: 'string' },
        'cell-timeout': { type: 'string' },
        timeout: { type: 'string' },
        parameter: { type: 'string', short: 'p', multiple: true },
        strict: { type: 'boolean' },
        'allow-errors': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        'progress-ipc': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, tokens } = parsed;

  // -p NAME VALUE: the word after NAME is VALUE, not a notebook.
  const parameters: Parameter[] = [];
  const taken = new Set<number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name !== 'parameter' || token.value === undefined) continue;
    const equals = token.value.indexOf('=');
    if (equals > 0) {
      parameters.push({ name: token.value.slice(0, equals), value: token.value.slice(equals + 1) });
      continue;
    }
    const at = token.index + (token.inlineValue ? 1 : 2);
    const value = tokens.find((t) => t.kind === 'positional' && t.index === at);
    if (!value || value.kind !== 'positional') throw new UsageError(`-p ${token.value} needs a VALUE: -p NAME VALUE`);
    taken.add(at);
    parameters.push({ name: token.value, value: value.value });
  }
  for (const p of parameters) {
    try {
      checkParameterName(p.name);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const notebooks = tokens.flatMap((t) => (t.kind === 'positional' && !taken.has(t.index) ? [t.value] : []));

  const help = values.help === true;
  const outDir = values['out-dir'];
  const report = (option: '--junit' | '--results' | '--html', value: string | undefined): string | true | undefined => {
    if (value === undefined) return undefined;
    if (outDir !== undefined) {
      if (value !== '') throw new UsageError(`${option} takes no file name with --out-dir (each notebook gets its own file there)`);
      return true;
    }
    if (value === '') throw new UsageError(`${option} needs a file name`);
    return value;
  };
  let isolate: IsolationKind[] | undefined;
  if (values.isolate !== undefined) {
    try {
      isolate = parseIsolation(values.isolate);
    } catch (error) {
      throw new UsageError(`--isolate: ${(error as Error).message}`);
    }
  }
  const jobs = values.jobs === undefined ? 1 : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs takes a whole number of notebooks at a time, not ${JSON.stringify(values.jobs)}`);

  const options: RunOptions = {
    notebooks,
    output: values.output,
    outDir,
    junit: report('--junit', values.junit),
    results: report('--results', values.results),
    html: report('--html', values.html),
    tests: values.tests,
    keepWorkdir: values['keep-workdir'] === true,
    files: values.files,
    workdirExclude: values['workdir-exclude'] ?? [],
    workdirParent: values['workdir-parent'],
    jobs,
    name: values.name,
    isolate,
    cellTimeoutSeconds: seconds('--cell-timeout', values['cell-timeout']) ?? DEFAULT_CELL_TIMEOUT_SECONDS,
    timeoutSeconds: seconds('--timeout', values.timeout),
    parameters,
    strict: values.strict === true,
    allowErrors: values['allow-errors'] === true,
    quiet: values.quiet === true,
    progressIpc: values['progress-ipc'] === true,
    help,
  };
  if (help) return options;
  if (notebooks.length === 0) throw new UsageError('which notebook?');
  if (outDir === undefined) {
    if (notebooks.length > 1) throw new UsageError(`${notebooks.length} notebooks: several notebooks need --out-dir DIR`);
    if (values.jobs !== undefined) throw new UsageError('--jobs needs --out-dir DIR');
  } else if (options.output !== undefined || options.name !== undefined || options.files !== undefined) {
    const which = options.output !== undefined ? '-o' : options.name !== undefined ? '--name' : '--files';
    throw new UsageError(`${which} is for one notebook; with --out-dir each notebook goes to DIR/NAME.ipynb (and DIR/NAME.files)`);
  }
  return options;
}
