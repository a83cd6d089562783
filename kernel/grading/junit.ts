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

/**
 * JUnit XML for one notebook: a testsuite named after it, one testcase per
 * code cell (named by its first line) with its output when it failed.
 */
export function junitXml(report: NotebookReport): string {
  const failures = report.cells.filter((c) => isFailure(c.status) && c.status !== 'died').length;
  const errors = report.cells.filter((c) => c.status === 'died').length;
  const skipped = report.cells.filter((c) => c.status === 'skipped' || c.status === 'not-run').length;
  const counts = `tests="${report.cells.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(report.seconds)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sockbook run" ${counts}>`,
    `  <testsuite name="${xmlEscape(report.name)}" ${counts}>`,
    ...report.cells.map((cell) => testcase(cell, report.name)),
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
