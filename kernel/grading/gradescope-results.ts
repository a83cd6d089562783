import { checkLine } from '../display/check';
import type { GradescopeVisibility } from './cell-tags';
import { cellCounts, cellMaxScore, cellScore, notebookScore, type CellReport, type NotebookReport } from './report';
import { scoreLine } from './checks';

/** One graded test, as Gradescope's autograder results.json has it. */
export interface GradescopeTest {
  name: string;
  /** Orders the tests on Gradescope's page: the graded cell's place among the graded cells, from 1. */
  number: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  visibility: GradescopeVisibility;
  tags: string[];
}

/** Gradescope's results.json (https://gradescope-autograders.readthedocs.io, "Autograder Specifications"). */
export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  /** What run_autograder printed: hidden from students, who could read the hidden tests in it. */
  stdout_visibility: GradescopeVisibility;
  tests: GradescopeTest[];
}

function summaryLine(report: NotebookReport): string {
  const counts = cellCounts(report);
  const score = notebookScore(report);
  const total = score ? `, score ${score.score}/${score.maxScore}` : '';
  return `${report.name}: ${counts.ok} cells ok, ${counts.failed} failed, ${counts.notRun} not run${total}`;
}

/** A test's output: its score and checks first, then what the cell printed. */
function testOutput(cell: CellReport): string {
  const lines = [scoreLine(cell), ...(cell.checks ?? []).map(checkLine)];
  if (cell.status === 'skipped' || cell.status === 'not-run') lines.push(`not run: ${cell.reason ?? cell.status}`);
  else if (cell.output) lines.push('', cell.output.replace(/\n$/, ''));
  return `${lines.join('\n')}\n`;
}

/**
 * Gradescope's results.json for one notebook: one test per nbgrader-graded
 * cell (name = grade_id, max_score = its points), scoring what its checks
 * add up to, or all its points without checks, and 0 when it ended in error
 * or did not run; score is the total.
 */
export function gradescopeResults(report: NotebookReport): GradescopeResults {
  const tests = report.cells
    .filter((c) => c.graded)
    .map((cell, i): GradescopeTest => ({
      name: cell.graded?.gradeId ?? cell.name,
      number: String(i + 1),
      score: cellScore(cell),
      max_score: cellMaxScore(cell),
      status: cell.status === 'passed' && cellScore(cell) >= cellMaxScore(cell) ? 'passed' : 'failed',
      output: testOutput(cell),
      visibility: cell.graded?.visibility ?? 'visible',
      tags: cell.graded?.tags ?? [],
    }));
  return {
    score: notebookScore(report)?.score ?? 0,
    execution_time: Math.round(report.seconds),
    output: summaryLine(report),
    stdout_visibility: 'hidden',
    tests,
  };
}

/** The results of a notebook that could not be run at all. */
export function gradescopeRefused(why: string): GradescopeResults {
  return { score: 0, execution_time: 0, output: why, stdout_visibility: 'hidden', tests: [] };
}

export function resultsJson(results: GradescopeResults): string {
  return JSON.stringify(results, null, 2) + '\n';
}
