import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterpreter } from '../engine/cell-interpreter';
import { joinSource, parseNotebook, serializeNotebook } from './nbformat';
import { DisplayRegistry, NotebookSink } from './notebook-sink';

interface RunArgs {
  notebook: string;
  output: string;
  strict: boolean;
  allowErrors: boolean;
  timeoutSeconds: number;
}

function parseArgs(args: string[]): RunArgs {
  let notebook: string | undefined;
  let output: string | undefined;
  let strict = false;
  let allowErrors = false;
  let timeoutSeconds = 600;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-o' || arg === '--output') output = args[++i];
    else if (arg === '--strict') strict = true;
    else if (arg === '--allow-errors') allowErrors = true;
    else if (arg === '--timeout') timeoutSeconds = Number(args[++i]);
    else if (arg.startsWith('-')) throw new Error(`run: unknown option ${arg}`);
    else if (!notebook) notebook = arg;
    else throw new Error(`run: one notebook at a time (got ${notebook} and ${arg})`);
  }
  if (!notebook) throw new Error('run: which notebook? usage: sockbook run NOTEBOOK [-o OUT.ipynb] [--strict] [--allow-errors] [--timeout S]');
  if (!(timeoutSeconds > 0)) throw new Error('run: --timeout takes a number of seconds');
  return { notebook, output: output ?? notebook, strict, allowErrors, timeoutSeconds };
}

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

/**
 * `sockbook run NOTEBOOK [-o OUT]`: executes every code cell with the
 * kernel's interpreter, in the notebook's directory, printing outputs as they
 * come, and writes the notebook with its outputs (in place without -o).
 * Returns the exit status: 1 when a cell ended in error.
 */
export async function runNotebookCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const notebookPath = path.resolve(args.notebook);
  const outputPath = path.resolve(args.output);
  const nb = parseNotebook(await readFile(notebookPath, 'utf8'), args.notebook);
  const cwd = path.dirname(notebookPath);
  process.chdir(cwd);
  const interpreter = createInterpreter({ log: (text) => process.stderr.write(`[sockbook] ${text}\n`), strict: args.strict, cwd });
  const displays: DisplayRegistry = new Map();
  const write = (text: string) => process.stdout.write(text);
  let count = 0;
  let failed = 0;
  let stopped = false;

  try {
    for (const cell of nb.cells) {
      if (cell.cell_type !== 'code') continue;
      if (stopped) {
        cell.outputs = [];
        cell.execution_count = null;
        continue;
      }
      const code = joinSource(cell.source);
      cell.outputs = [];
      cell.execution_count = ++count;
      write(bold(`\nIn [${count}]: ${code.split('\n')[0]}${code.includes('\n') ? ' …' : ''}\n`));
      const sink = new NotebookSink(cell, displays, write);
      const timeout = AbortSignal.timeout(args.timeoutSeconds * 1000);
      const outcome = await interpreter.execute(
        { code, executionCount: count, silent: false, storeHistory: true, allowStdin: false },
        sink,
        timeout,
      );
      if (outcome.status === 'error') {
        failed += 1;
        const evalue = timeout.aborted ? `${outcome.evalue} (the cell ran longer than ${args.timeoutSeconds} s)` : outcome.evalue;
        cell.outputs.push({ output_type: 'error', ename: outcome.ename, evalue, traceback: outcome.traceback });
        write(`${outcome.traceback.join('\n')}\n`);
        if (!args.allowErrors) stopped = true;
      }
    }
  } finally {
    await interpreter.shutdown(false);
  }

  await mkdir(path.dirname(outputPath), { recursive: true });
  await writeFile(outputPath, serializeNotebook(nb));
  write(`\n${failed === 0 ? 'ok' : `${failed} cell(s) ended in error`}: ${count} cells run, notebook written to ${args.output}\n`);
  return failed === 0 ? 0 : 1;
}
