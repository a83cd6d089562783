import type { CodeCell, Notebook } from '../notebook/nbformat';
import { joinSource } from '../notebook/nbformat';
import { DisplayRegistry, NotebookSink, terminalAnnotation } from '../notebook/notebook-sink';
import { gradedCell, hasTag, TAG } from './cell-tags';
import { checksOfCell, recordScore, scoreLine } from './checks';
import { firstLine, outputText } from './cell-text';
import type { CellRunner } from './cell-runner';
import type { CellReport, NotebookReport } from './report';

export interface RunEvents {
  /** A cell starts: its position among the code cells to run, from 1. */
  cellStarted?(done: number, total: number, firstLine: string): void;
  cellEnded?(report: CellReport, done: number, total: number): void;
}

export interface NotebookRunOptions {
  name: string;
  cellTimeoutSeconds?: number;
  /** The whole notebook's --timeout. */
  timeoutSeconds?: number;
  /** Go on after a cell ends in error (timeouts and deaths never stop the run). */
  allowErrors: boolean;
  /** Where cells' output is echoed as it comes (a no-op with --quiet). */
  echo(text: string): void;
  /** Marks a cell's header on a terminal. */
  emphasize?(text: string): string;
  events?: RunEvents;
}

/**
 * Runs a notebook's code cells in order, recording their outputs in nb and
 * saying how each ended. Honours skip-execution and raises-exception, stops
 * after an error unless allowErrors, and after the notebook's --timeout.
 */
export async function runNotebook(nb: Notebook, runner: CellRunner, options: NotebookRunOptions): Promise<NotebookReport> {
  const started = Date.now();
  const deadline = new AbortController();
  const notebookTimer =
    options.timeoutSeconds === undefined ? undefined : setTimeout(() => deadline.abort(), options.timeoutSeconds * 1000);
  const emphasize = options.emphasize ?? ((text: string) => text);
  const cells = nb.cells
    .map((cell, i) => ({ cell, position: i + 1 }))
    .filter((c): c is { cell: CodeCell; position: number } => c.cell.cell_type === 'code' && joinSource(c.cell.source).trim() !== '');
  const reports: CellReport[] = [];
  // One registry for the notebook: a later cell may update an earlier cell's display.
  const displays: DisplayRegistry = new Map();
  let count = 0;
  let stoppedBecause: string | undefined;

  try {
    for (const [i, { cell, position }] of cells.entries()) {
      const code = joinSource(cell.source);
      const base = { position, name: firstLine(code, 200), graded: gradedCell(cell, `cell-${position}`) };
      if (hasTag(cell, TAG.skipExecution)) {
        const report: CellReport = { ...base, status: 'skipped', seconds: 0, output: '', reason: 'tagged skip-execution' };
        recordScore(cell, report);
        reports.push(report);
        continue;
      }
      if (stoppedBecause === undefined && deadline.signal.aborted) {
        stoppedBecause = `the notebook ran longer than ${options.timeoutSeconds} s (--timeout)`;
      }
      if (stoppedBecause !== undefined) {
        cell.outputs = [];
        cell.execution_count = null;
        const report: CellReport = { ...base, status: 'not-run', seconds: 0, output: '', reason: stoppedBecause };
        recordScore(cell, report);
        reports.push(report);
        continue;
      }

      cell.outputs = [];
      cell.execution_count = ++count;
      options.events?.cellStarted?.(i + 1, cells.length, firstLine(code));
      options.echo(emphasize(`\nIn [${count}]: ${firstLine(code)}${code.trim().includes('\n') ? ' …' : ''}\n`));
      const sink = new NotebookSink(cell, displays, options.echo);
      const result = await runner.run(code, count, sink, {
        cellTimeoutSeconds: options.cellTimeoutSeconds,
        notebookDeadline: deadline.signal,
        notebookTimeoutSeconds: options.timeoutSeconds,
      });
      sink.finish();
      const { seconds } = result;
      let report: CellReport;
      if (result.status === 'passed') {
        report = { ...base, status: 'passed', seconds, output: outputText(cell) };
      } else {
        const { ename, evalue, traceback } = result.error;
        cell.outputs.push({ output_type: 'error', ename, evalue, traceback });
        options.echo(`${traceback.join('\n')}\n`);
        const expected = result.status === 'failed' && hasTag(cell, TAG.raisesException);
        report = { ...base, status: expected ? 'expected-error' : result.status, seconds, error: result.error, output: outputText(cell) };
        if (report.status === 'failed' && !options.allowErrors) stoppedBecause = `cell ${position} ended in error`;
        if (ename === 'NotebookTimeoutError') stoppedBecause = `the notebook ran longer than ${options.timeoutSeconds} s (--timeout)`;
      }
      const checks = checksOfCell(cell);
      if (checks.length > 0) report.checks = checks;
      recordScore(cell, report);
      if (report.graded) options.echo(terminalAnnotation(scoreLine(report), process.stdout.isTTY === true));
      reports.push(report);
      options.events?.cellEnded?.(report, i + 1, cells.length);
    }
  } finally {
    clearTimeout(notebookTimer);
  }
  return { name: options.name, cells: reports, seconds: (Date.now() - started) / 1000, timedOut: deadline.signal.aborted };
}
