import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../../paths';
import { ExitCode, worstExit } from '../../grading/exit-codes';
import { removeWorkdir } from '../../grading/workdir';
import type { RunOptions } from './options';
import { UsageError } from './options';
import { batchProgress, type BatchProgress } from './progress';
import type { NotebookSummary, ProgressMessage } from './progress-messages';
import { summaryTable } from './summary';

/** Past --timeout, how long a notebook's own run gets to stop itself before it is killed (s). */
const HARD_TIMEOUT_MARGIN_S = 60;
/** After SIGTERM, how long a run gets to end its processes before SIGKILL (ms). */
const TERM_GRACE_MS = 5000;

interface Entry {
  notebook: string;
  name: string;
}

const SOCKBOOK = path.join(projectRoot, 'bin', 'sockbook.js');

/** The command line of one notebook's own `sockbook run`. */
function childArguments(options: RunOptions, entry: Entry, outDir: string, workRoot: string): string[] {
  const args = ['run', entry.notebook, '-o', path.join(outDir, `${entry.name}.ipynb`), '--name', entry.name, '--progress-ipc'];
  if (options.junit) args.push('--junit', path.join(outDir, `${entry.name}.junit.xml`));
  if (options.results) args.push('--results', path.join(outDir, `${entry.name}.results.json`));
  args.push('--html', path.join(outDir, `${entry.name}.html`), '--files', path.join(outDir, `${entry.name}.files`));
  // A --out-dir inside the notebooks' folder holds the other submissions' results: never copied into a run's working directory.
  for (const excluded of [outDir, ...options.workdirExclude]) args.push('--workdir-exclude', path.resolve(excluded));
  if (options.tests !== undefined) args.push('--tests', path.resolve(options.tests));
  if (options.keepWorkdir) args.push('--keep-workdir');
  args.push('--workdir-parent', workRoot);
  if (options.cellTimeoutSeconds !== undefined) args.push('--cell-timeout', String(options.cellTimeoutSeconds));
  if (options.timeoutSeconds !== undefined) args.push('--timeout', String(options.timeoutSeconds));
  if (options.isolate !== undefined) args.push('--isolate', options.isolate.length > 0 ? options.isolate.join(',') : 'none');
  for (const p of options.parameters) args.push('-p', `${p.name}=${p.value}`);
  if (options.strict) args.push('--strict');
  if (options.allowErrors) args.push('--allow-errors');
  return args;
}

/**
 * NAME of each notebook: its file name without .ipynb, or, when two have the
 * same file name (nbgrader's submitted/STUDENT/hw1.ipynb), its path from
 * their common directory with / as -: STUDENT-hw1.
 */
function entriesOf(notebooks: string[], outDir: string): Entry[] {
  const files = notebooks.map((n) => path.resolve(n));
  const bare = (file: string) => path.basename(file).replace(/\.ipynb$/i, '');
  const unique = new Set(files.map(bare)).size === files.length;
  let common = path.dirname(files[0]);
  for (const file of files) while (!file.startsWith(common.endsWith(path.sep) ? common : common + path.sep)) common = path.dirname(common);
  const byName = new Map<string, string>();
  return files.map((file, i) => {
    const name = unique ? bare(file) : path.relative(common, file).replace(/\.ipynb$/i, '').split(path.sep).join('-');
    const other = byName.get(name);
    if (other !== undefined) throw new UsageError(`${other} and ${notebooks[i]} would both be written to ${path.join(outDir, `${name}.ipynb`)}`);
    byName.set(name, notebooks[i]);
    return { notebook: file, name };
  });
}

/**
 * Runs each notebook in a `sockbook run` of its own (its own kernel, process
 * group, pids cgroup and, with --isolate, namespaces), `jobs` at a time, and
 * ends with a summary table. Resolves to the worst exit status.
 */
export async function runBatch(options: RunOptions): Promise<ExitCode> {
  const outDir = path.resolve(options.outDir ?? '.');
  const entries = entriesOf(options.notebooks, outDir);
  await fs.promises.mkdir(outDir, { recursive: true });
  const progress = batchProgress(options.quiet);
  const running = new Set<ChildProcess>();
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    for (const child of running) stopChild(child);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // The runs' working directories are made in one directory of the batch, removed at its end even if a run was killed.
  const workRoot = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'sockbook-batch-'));
  const summaries: NotebookSummary[] = new Array(entries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length && !interrupted) {
      const index = next++;
      summaries[index] = await runChild(options, entries[index], outDir, workRoot, progress, running);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.jobs, entries.length) }, worker));
  } finally {
    if (!options.keepWorkdir) await removeWorkdir(workRoot);
    progress.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const done = summaries.filter((s) => s !== undefined);
  process.stdout.write(`\n${summaryTable(done)}\n`);
  if (interrupted) {
    process.stderr.write(`sockbook: interrupted; ${entries.length - done.length} notebook(s) not run\n`);
    return worstExit([...done.map((s) => s.exitCode), ExitCode.timeout]);
  }
  return worstExit(done.map((s) => s.exitCode));
}

function stopChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, TERM_GRACE_MS);
  timer.unref();
}

function runChild(options: RunOptions, entry: Entry, outDir: string, workRoot: string, progress: BatchProgress, running: Set<ChildProcess>): Promise<NotebookSummary> {
  const started = Date.now();
  // What the notebook's cells printed, for the teacher to read later.
  const log = fs.openSync(path.join(outDir, `${entry.name}.log`), 'w');
  let child: ChildProcess;
  try {
    child = fork(SOCKBOOK, childArguments(options, entry, outDir, workRoot), { stdio: ['ignore', log, log, 'ipc'] });
  } finally {
    fs.closeSync(log);
  }
  running.add(child);
  progress.started(entry.name);
  let summary: NotebookSummary | undefined;
  child.on('message', (message: ProgressMessage) => {
    switch (message.type) {
      case 'cell':
        progress.cell(entry.name, message.done, message.total, message.firstLine);
        break;
      case 'cell-ended':
        progress.cellEnded(entry.name, message.done, message.total, message.name, message.status, message.ename);
        break;
      case 'done':
        summary = message.summary;
        break;
    }
  });
  let killedForTime = false;
  const hardTimer =
    options.timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          killedForTime = true;
          progress.problem(entry.name, `still running ${HARD_TIMEOUT_MARGIN_S} s past --timeout: stopping it`);
          stopChild(child);
        }, (options.timeoutSeconds + HARD_TIMEOUT_MARGIN_S) * 1000);

  return new Promise((resolve) => {
    let settled = false;
    const settle = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(hardTimer);
      running.delete(child);
      const seconds = (Date.now() - started) / 1000;
      let result: NotebookSummary;
      if (summary && code !== null && !killedForTime) {
        result = { ...summary, name: entry.name, seconds };
      } else {
        const how = error ? `could not start: ${error.message}` : signal ? `its run was killed by ${signal}` : `its run ended with status ${code} before reporting`;
        result = {
          name: entry.name,
          ok: 0,
          failed: 0,
          notRun: 0,
          seconds,
          exitCode: killedForTime ? ExitCode.timeout : ExitCode.kernelDied,
          problem: killedForTime ? 'killed past --timeout' : how,
        };
        progress.problem(entry.name, `${how} (see ${path.join(outDir, `${entry.name}.log`)})`);
      }
      progress.finished(result);
      resolve(result);
    };
    child.once('error', (error) => settle(null, null, error));
    child.once('exit', (code, signal) => settle(code, signal));
  });
}
