import type { CheckResult } from '../display/check';
import type { CellError } from '../interpreter/outcome';
import type { GradedCell } from './cell-tags';
import { ExitCode, worstExit } from './exit-codes';

/**
 * How one code cell ended: passed; expected-error (it raised, tagged
 * raises-exception); failed (an error); timeout (--cell-timeout or
 * --timeout); died (the executor or a helper died under it); skipped
 * (tagged skip-execution); not-run (an earlier cell stopped the run).
 */
export type CellStatus = 'passed' | 'expected-error' | 'failed' | 'timeout' | 'died' | 'skipped' | 'not-run';

export interface CellReport {
  /** Position among the notebook's cells, from 1. */
  position: number;
  /** The cell's first line (the JUnit testcase name). */
  name: string;
  status: CellStatus;
  seconds: number;
  error?: CellError;
  /** What the cell printed, as plain text (for the reports). */
  output: string;
  /** Why it was not run (skipped, not-run). */
  reason?: string;
  graded?: GradedCell;
  /** The test results the cell reported (grade.check, SOCKBOOK-CHECK lines). */
  checks?: CheckResult[];
}

export interface NotebookReport {
  /** The notebook's file name without .ipynb. */
  name: string;
  cells: CellReport[];
  seconds: number;
  /** The notebook's --timeout was reached (maybe between two cells). */
  timedOut: boolean;
}

export interface Score {
  score: number;
  maxScore: number;
}

export function cellExit(status: CellStatus): ExitCode {
  switch (status) {
    case 'failed':
      return ExitCode.cellError;
    case 'timeout':
      return ExitCode.timeout;
    case 'died':
      return ExitCode.kernelDied;
    default:
      return ExitCode.ok;
  }
}

export function notebookExit(report: NotebookReport): ExitCode {
  return worstExit([...report.cells.map((c) => cellExit(c.status)), report.timedOut ? ExitCode.timeout : ExitCode.ok]);
}

/** Whether a cell counts as a failure in the reports (a cell that did not run is not a pass either). */
export function isFailure(status: CellStatus): boolean {
  return status === 'failed' || status === 'timeout' || status === 'died';
}

/** What a graded cell is worth: its points, or, when it has none, the sum of its checks' points. */
export function cellMaxScore(cell: CellReport): number {
  if (!cell.graded) return 0;
  if (cell.graded.points > 0) return cell.graded.points;
  return (cell.checks ?? []).reduce((sum, c) => sum + c.points, 0);
}

/**
 * nbgrader's rule, with partial credit: a graded cell that ended with an
 * error output (or a timeout, or did not run) scores 0; otherwise the sum of
 * its passed checks' points, capped by its points, or, without checks, all its
 * points. What it wrote on stderr does not matter.
 */
export function cellScore(cell: CellReport): number {
  if (!cell.graded || cell.status !== 'passed') return 0;
  const max = cellMaxScore(cell);
  const checks = cell.checks ?? [];
  if (checks.length === 0) return max;
  return Math.min(max, checks.reduce((sum, c) => sum + (c.passed ? c.points : 0), 0));
}

/** The score of the graded cells, when there are any. */
export function notebookScore(report: NotebookReport): Score | undefined {
  const graded = report.cells.filter((c) => c.graded);
  if (graded.length === 0) return undefined;
  return {
    score: graded.reduce((sum, c) => sum + cellScore(c), 0),
    maxScore: graded.reduce((sum, c) => sum + cellMaxScore(c), 0),
  };
}

export interface CellCounts {
  ok: number;
  failed: number;
  notRun: number;
}

export function cellCounts(report: NotebookReport): CellCounts {
  const counts = { ok: 0, failed: 0, notRun: 0 };
  for (const cell of report.cells) {
    if (isFailure(cell.status)) counts.failed++;
    else if (cell.status === 'skipped' || cell.status === 'not-run') counts.notRun++;
    else counts.ok++;
  }
  return counts;
}
