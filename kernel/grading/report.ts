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

/** nbgrader's rule: a graded cell scores its points when it ran without an error output, else 0. */
export function cellScore(cell: CellReport): number {
  return cell.graded && cell.status === 'passed' ? cell.graded.points : 0;
}

/** The score of the graded cells, when there are any. */
export function notebookScore(report: NotebookReport): Score | undefined {
  const graded = report.cells.filter((c) => c.graded);
  if (graded.length === 0) return undefined;
  return {
    score: graded.reduce((sum, c) => sum + cellScore(c), 0),
    maxScore: graded.reduce((sum, c) => sum + (c.graded?.points ?? 0), 0),
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
