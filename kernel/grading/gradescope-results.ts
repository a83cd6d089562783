import { cellCounts, cellScore, notebookScore, type NotebookReport } from './report';

/** One graded test, as Gradescope's autograder results.json has it. */
export interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output?: string;
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  tests: GradescopeTest[];
}

function summaryLine(report: NotebookReport): string {
  const counts = cellCounts(report);
  return `${report.name}: ${counts.ok} cells ok, ${counts.failed} failed, ${counts.notRun} not run`;
}

/**
 * Gradescope's results.json for one notebook: one test per nbgrader-graded
 * cell (name = grade_id, max_score = points), scoring 0 when the cell has an
 * error output or did not run; score is the total.
 */
export function gradescopeResults(report: NotebookReport): GradescopeResults {
  const tests = report.cells
    .filter((c) => c.graded)
    .map((cell): GradescopeTest => {
      const score = cellScore(cell);
      const test: GradescopeTest = {
        name: cell.graded?.gradeId ?? cell.name,
        score,
        max_score: cell.graded?.points ?? 0,
        status: cell.status === 'passed' ? 'passed' : 'failed',
      };
      const output = cell.status === 'skipped' || cell.status === 'not-run' ? `not run: ${cell.reason ?? cell.status}` : cell.output;
      if (output) test.output = output;
      return test;
    });
  return {
    score: notebookScore(report)?.score ?? 0,
    execution_time: Math.round(report.seconds),
    output: summaryLine(report),
    tests,
  };
}

/** The results of a notebook that could not be run at all. */
export function gradescopeRefused(why: string): GradescopeResults {
  return { score: 0, execution_time: 0, output: why, tests: [] };
}

export function resultsJson(results: GradescopeResults): string {
  return JSON.stringify(results, null, 2) + '\n';
}
