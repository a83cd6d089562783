import type { CheckResult } from '../display/check';
import { isFailure, type CellReport, type NotebookReport } from './report';

// XML 1.0 has no way to write most control characters, even escaped.
const NOT_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlEscape(text: string): string {
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

const seconds = (s: number) => s.toFixed(3);

function testcase(cell: CellReport, classname: string): string {
  const open = `    <testcase name="${xmlEscape(cell.name || `cell ${cell.position}`)}" classname="${xmlEscape(classname)}" time="${seconds(cell.seconds)}"`;
  const message = cell.error ? `${cell.error.ename}: ${cell.error.evalue}` : '';
  switch (cell.status) {
    case 'passed':
    case 'expected-error':
      return `${open}/>`;
    case 'skipped':
    case 'not-run':
      return `${open}>\n      <skipped message="${xmlEscape(cell.reason ?? cell.status)}"/>\n    </testcase>`;
    case 'failed':
    case 'timeout':
    case 'died': {
      // A death is the kernel's failure, not the cell's: JUnit's <error>.
      const element = cell.status === 'died' ? 'error' : 'failure';
      const type = xmlEscape(cell.error?.ename ?? 'Error');
      return `${open}>\n      <${element} message="${xmlEscape(message)}" type="${type}">${xmlEscape(cell.output)}</${element}>\n    </testcase>`;
    }
  }
}

/** A check of a cell: a testcase of its own, classname NOTEBOOK.GRADE_ID, its message as the failure or as system-out. */
function checkCase(check: CheckResult, cell: CellReport, notebook: string): string {
  const classname = `${notebook}.${cell.graded?.gradeId ?? `cell-${cell.position}`}`;
  const open = `    <testcase name="${xmlEscape(check.name)}" classname="${xmlEscape(classname)}" time="0.000"`;
  const message = check.message || (check.passed ? 'passed' : 'failed');
  const points = `${check.passed ? check.points : 0}/${check.points} points`;
  if (check.passed) return `${open}>\n      <system-out>${xmlEscape(`${points}: ${message}`)}</system-out>\n    </testcase>`;
  return `${open}>\n      <failure message="${xmlEscape(message)}" type="CheckFailed">${xmlEscape(`${points}: ${message}`)}</failure>\n    </testcase>`;
}

const checkCases = (report: NotebookReport) => report.cells.flatMap((cell) => (cell.checks ?? []).map((check) => ({ cell, check })));

/**
 * JUnit XML for one notebook: a testsuite named after it, one testcase per
 * code cell (named by its first line) with its output when it failed, and
 * after a cell one testcase per check it reported.
 */
export function junitXml(report: NotebookReport): string {
  const checks = checkCases(report);
  const failures = report.cells.filter((c) => isFailure(c.status) && c.status !== 'died').length + checks.filter((c) => !c.check.passed).length;
  const errors = report.cells.filter((c) => c.status === 'died').length;
  const skipped = report.cells.filter((c) => c.status === 'skipped' || c.status === 'not-run').length;
  const counts = `tests="${report.cells.length + checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(report.seconds)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sockbook run" ${counts}>`,
    `  <testsuite name="${xmlEscape(report.name)}" ${counts}>`,
    ...report.cells.flatMap((cell) => [testcase(cell, report.name), ...(cell.checks ?? []).map((check) => checkCase(check, cell, report.name))]),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** The JUnit file of a notebook that could not be run at all. */
export function junitRefused(name: string, why: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites name="sockbook run" tests="1" failures="0" errors="1" skipped="0" time="0.000">',
    `  <testsuite name="${xmlEscape(name)}" tests="1" failures="0" errors="1" skipped="0" time="0.000">`,
    `    <testcase name="the notebook is readable" classname="${xmlEscape(name)}" time="0.000">`,
    `      <error message="${xmlEscape(why)}" type="NotebookFormatError">${xmlEscape(why)}</error>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
