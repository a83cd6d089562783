import { toJsonMap } from '../base/json';
import { annotation, ANNOTATION_METADATA_KEY, annotationKindOf } from '../display/annotation';
import { checkOf, checksInText, type CheckResult } from '../display/check';
import type { CodeCell } from '../notebook/nbformat';
import { joinSource } from '../notebook/nbformat';
import type { CellReport } from './report';
import { cellMaxScore, cellScore } from './report';
import { stripAnsi } from './cell-text';

/** The checks a cell reported, in the order it reported them: `grade.check` displays and `SOCKBOOK-CHECK` lines. */
export function checksOfCell(cell: CodeCell): CheckResult[] {
  const checks: CheckResult[] = [];
  for (const output of cell.outputs) {
    if (output.output_type === 'stream' && output.name === 'stdout') checks.push(...checksInText(stripAnsi(joinSource(output.text))));
    else if (output.output_type === 'display_data') {
      const check = checkOf(output.metadata);
      if (check) checks.push(check);
    }
  }
  return checks;
}

const number = (n: number) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100));

/** What a graded cell scored and why, one line: `score 2/3 (2 of 3 checks passed)`. */
export function scoreLine(report: CellReport): string {
  const score = `score ${number(cellScore(report))}/${number(cellMaxScore(report))}`;
  const checks = report.checks ?? [];
  const passed = checks.filter((c) => c.passed).length;
  if (report.status !== 'passed') return `${score}: the cell ${report.status === 'not-run' || report.status === 'skipped' ? 'did not run' : `ended in ${report.error?.ename ?? 'error'}`}`;
  return checks.length > 0 ? `${score} (${passed} of ${checks.length} checks passed)` : `${score}: the cell ran without an error`;
}

/**
 * Writes a graded cell's score into the notebook: `metadata.sockbook.grade`
 * (score, max_score, checks) and a grey line at the end of its outputs.
 */
export function recordScore(cell: CodeCell, report: CellReport): void {
  if (!report.graded) return;
  const own = cell.metadata[ANNOTATION_METADATA_KEY];
  const sockbook = typeof own === 'object' && own !== null && !Array.isArray(own) ? own : {};
  cell.metadata[ANNOTATION_METADATA_KEY] = {
    ...sockbook,
    grade: toJsonMap({ grade_id: report.graded.gradeId, score: cellScore(report), max_score: cellMaxScore(report), checks: report.checks ?? [] }),
  };
  const { data, metadata } = annotation('score', scoreLine(report));
  // A cell not run keeps its old outputs: its old score line goes.
  cell.outputs = cell.outputs.filter((o) => o.output_type !== 'display_data' || annotationKindOf(o.metadata) !== 'score');
  cell.outputs.push({ output_type: 'display_data', data, metadata });
}

