import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterpreter } from '../../engine/cell-interpreter';
import type { Interpreter } from '../../interpreter/interpreter';
import { writeFileAtomically } from '../../grading/atomic-write';
import { CellRunner } from '../../grading/cell-runner';
import { ExitCode } from '../../grading/exit-codes';
import { gradescopeRefused, gradescopeResults, resultsJson } from '../../grading/gradescope-results';
import { feedbackHtml, feedbackRefusedHtml } from '../../grading/feedback-html';
import { junitRefused, junitXml } from '../../grading/junit';
import { runNotebook } from '../../grading/notebook-runner';
import { injectParameters, parameterEnvironment } from '../../grading/parameters';
import { mergeHiddenTests } from '../../grading/hidden-tests';
import { keepWrittenFiles, makePrivateWorkdir, removeWorkdir, type PrivateWorkdir } from '../../grading/workdir';
import { FirstCellNotice } from '../first-cell-notice';
import { terminalWriter } from '../../notebook/notebook-sink';
import { setUpIsolation } from '../kernel-isolation';
import { parseNotebook, serializeNotebook, type Notebook } from '../../notebook/nbformat';
import type { RunOptions } from './options';
import { ParentReporter, type NotebookSummary } from './progress-messages';
import { summarize, summaryLine } from './summary';

const notebookName = (file: string) => path.basename(file).replace(/\.ipynb$/i, '');

async function loadNotebook(file: string, shownAs: string): Promise<Notebook> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${shownAs}: no such file`);
    if (code === 'EISDIR') throw new Error(`${shownAs}: is a directory, not a notebook`);
    throw new Error(`${shownAs}: cannot read it (${(error as Error).message})`);
  }
  return parseNotebook(text, shownAs);
}

/**
 * Runs one notebook in this process: checks it before any cell runs, sets up
 * isolation, runs its cells, writes the executed notebook and the reports
 * (each atomically) and says how it went. Resolves to the exit status.
 */
export async function runOneNotebook(options: RunOptions, notebook: string): Promise<ExitCode> {
  // Every path is taken from where sockbook was started, before moving to the working directory.
  const notebookPath = path.resolve(notebook);
  const outputPath = path.resolve(options.output ?? notebook);
  const junitPath = typeof options.junit === 'string' ? path.resolve(options.junit) : undefined;
  const resultsPath = typeof options.results === 'string' ? path.resolve(options.results) : undefined;
  const htmlPath = typeof options.html === 'string' ? path.resolve(options.html) : undefined;
  const filesPath = options.files === undefined ? undefined : path.resolve(options.files);
  const name = options.name ?? notebookName(notebook);
  const reporter = new ParentReporter();
  const out = (text: string) => process.stdout.write(text);

  // Nothing runs: the reports say why, so a grader still gets a file for this notebook.
  const refuse = async (why: string): Promise<ExitCode> => {
    process.stderr.write(`sockbook: ${why}; nothing was run\n`);
    if (junitPath) await writeFileAtomically(junitPath, junitRefused(name, why));
    if (resultsPath) await writeFileAtomically(resultsPath, resultsJson(gradescopeRefused(why)));
    if (htmlPath) await writeFileAtomically(htmlPath, feedbackRefusedHtml(name, why));
    const summary: NotebookSummary = { name, ok: 0, failed: 0, notRun: 0, seconds: 0, exitCode: ExitCode.usage, problem: why };
    await reporter.finish(summary);
    return ExitCode.usage;
  };

  let nb: Notebook;
  try {
    nb = await loadNotebook(notebookPath, notebook);
  } catch (error) {
    return refuse((error as Error).message);
  }
  const log = (text: string) => process.stderr.write(`[sockbook] ${text}\n`);
  if (options.tests !== undefined) {
    let instructor: Notebook;
    try {
      instructor = await loadNotebook(path.resolve(options.tests), options.tests);
    } catch (error) {
      // The grader's fault, not the student's: said as such.
      return refuse(`the tests (--tests) cannot be used: ${(error as Error).message}`);
    }
    const merge = mergeHiddenTests(nb, instructor);
    log(`hidden tests from ${options.tests}: ${merge.replaced.length} replaced (${merge.replaced.join(', ') || 'none'}), ${merge.added.length} added (${merge.added.join(', ') || 'none'})`);
    if (merge.ungraded.length > 0) log(`not graded (the tests do not grade them): ${merge.ungraded.join(', ')}`);
  }
  injectParameters(nb, options.parameters);

  // A private copy of the notebook's directory: what one run writes, no other run sees.
  let workdir: PrivateWorkdir;
  try {
    workdir = await makePrivateWorkdir(notebookPath, { parent: options.workdirParent, exclude: [...options.workdirExclude, ...[outputPath, junitPath, resultsPath, htmlPath, filesPath].filter((p) => p !== undefined)] });
  } catch (error) {
    return refuse(`cannot make a working directory for ${notebook}: ${(error as Error).message}`);
  }
  const cwd = workdir.dir;
  log(`working directory: ${cwd}, a copy of ${path.dirname(notebookPath)}${options.keepWorkdir ? ' (kept after the run: --keep-workdir)' : ''}`);
  for (const line of workdir.leftOut.slice(0, 20)) log(`not copied: ${line}`);
  if (workdir.leftOut.length > 20) log(`not copied: ${workdir.leftOut.length - 20} more`);
  process.chdir(cwd);
  // However this process ends (an uncaught error, a closed stdout), the copy goes with it; at exit only a synchronous removal can run.
  const removeAtExit = () => {
    if (!options.keepWorkdir) rmSync(cwd, { recursive: true, force: true });
  };
  process.once('exit', removeAtExit);
  const cleanUp = async (): Promise<void> => {
    process.chdir(os.tmpdir());
    if (filesPath !== undefined) {
      try {
        const { kept, leftOut } = await keepWrittenFiles(workdir, filesPath);
        if (kept.length > 0) log(`kept ${kept.length} file(s) the notebook wrote in ${filesPath}`);
        for (const line of leftOut) log(`not kept: ${line}`);
      } catch (error) {
        log(`could not keep what the notebook wrote in ${filesPath}: ${(error as Error).message}`);
      }
    }
    if (!options.keepWorkdir) await removeWorkdir(cwd);
    process.removeListener('exit', removeAtExit);
  };
  const notice = await setUpIsolation(options.isolate, log);
  const env = options.parameters.length > 0 ? parameterEnvironment(options.parameters) : undefined;
  let pendingNotice = notice;
  const runner = new CellRunner((): Interpreter => {
    const cells = createInterpreter({ log, strict: options.strict, cwd, env });
    const shown = pendingNotice;
    pendingNotice = undefined;
    return shown === undefined ? cells : new FirstCellNotice(cells, shown);
  }, log);
  // Ctrl-C or a parent ending this run: every process the cells started ends too.
  const onSignal = (signal: NodeJS.Signals) => {
    void runner
      .shutdown()
      .then(() => (options.keepWorkdir ? undefined : removeWorkdir(cwd)))
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
  let report;
  try {
    report = await runNotebook(nb, runner, {
      name,
      cellTimeoutSeconds: options.cellTimeoutSeconds,
      timeoutSeconds: options.timeoutSeconds,
      allowErrors: options.allowErrors,
      echo: options.quiet ? () => undefined : terminalWriter(out, process.stdout.isTTY === true),
      emphasize: bold,
      events: {
        cellStarted: (done, total, firstLine) => reporter.send({ type: 'cell', done, total, firstLine }),
        cellEnded: (cell, done, total) => {
          reporter.send({ type: 'cell-ended', done, total, name: cell.name, status: cell.status, ename: cell.error?.ename });
          if (options.quiet && cell.error && cell.status !== 'expected-error') {
            process.stderr.write(`${name}: cell ${cell.position} (${cell.name}): ${cell.error.ename}: ${cell.error.evalue}\n`);
          }
        },
      },
    });
  } finally {
    await runner.shutdown();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUp();
  }

  await writeFileAtomically(outputPath, serializeNotebook(nb));
  if (junitPath) await writeFileAtomically(junitPath, junitXml(report));
  if (resultsPath) await writeFileAtomically(resultsPath, resultsJson(gradescopeResults(report)));
  if (htmlPath) await writeFileAtomically(htmlPath, feedbackHtml(nb, report));
  const summary = summarize(report);
  const written = [options.output ?? notebook, options.junit, options.results, options.html].filter((p) => typeof p === 'string');
  out(`\n${summaryLine(summary)}; written: ${written.join(', ')}\n`);
  await reporter.finish(summary);
  return summary.exitCode;
}
