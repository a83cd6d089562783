import { ExitCode } from '../../grading/exit-codes';
import { cellCounts, notebookExit, notebookScore, type NotebookReport } from '../../grading/report';
import { plainTable } from '../../views/text-table';
import type { NotebookSummary } from './progress-messages';

export function summarize(report: NotebookReport): NotebookSummary {
  return { name: report.name, ...cellCounts(report), score: notebookScore(report), seconds: report.seconds, exitCode: notebookExit(report) };
}

export const VERDICT: Record<ExitCode, string> = {
  [ExitCode.ok]: 'ok',
  [ExitCode.cellError]: 'cell error',
  [ExitCode.usage]: 'bad notebook',
  [ExitCode.timeout]: 'timeout',
  [ExitCode.kernelDied]: 'kernel died',
};

const number = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

export function scoreText(summary: NotebookSummary): string {
  return summary.score ? `${number(summary.score.score)}/${number(summary.score.maxScore)}` : '-';
}

/** One line: `ok: 4 cells ok, 0 failed, 0 not run, score 4/4, 12.3 s`. */
export function summaryLine(summary: NotebookSummary): string {
  if (summary.problem && summary.ok + summary.failed + summary.notRun === 0) return `${VERDICT[summary.exitCode]}: ${summary.problem}`;
  const score = summary.score ? `, score ${scoreText(summary)}` : '';
  return `${VERDICT[summary.exitCode]}: ${summary.ok} cells ok, ${summary.failed} failed, ${summary.notRun} not run${score}, ${summary.seconds.toFixed(1)} s`;
}

/** The table that ends a run of several notebooks. */
export function summaryTable(summaries: NotebookSummary[]): string {
  return plainTable(
    [
      { title: 'notebook' },
      { title: 'ok', align: 'right' },
      { title: 'failed', align: 'right' },
      { title: 'not run', align: 'right' },
      { title: 'score', align: 'right' },
      { title: 'time', align: 'right' },
      { title: 'result' },
    ],
    summaries.map((s) => [
      s.name,
      String(s.ok),
      String(s.failed),
      String(s.notRun),
      scoreText(s),
      `${s.seconds.toFixed(1)} s`,
      s.problem ? `${VERDICT[s.exitCode]} (${s.problem})` : `${VERDICT[s.exitCode]}`,
    ]),
  );
}
