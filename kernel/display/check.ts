import { annotation, ANNOTATION_METADATA_KEY, type Annotation } from './annotation';
import type { Metadata } from '../interpreter/output-sink';

/**
 * One test result of a graded cell: `grade.check(name, condition, points,
 * message)` in TypeScript, a `SOCKBOOK-CHECK` line from C or shell. A graded
 * cell's score is the sum of its passed checks' points, capped by its points.
 */
export interface CheckResult {
  name: string;
  passed: boolean;
  points: number;
  message: string;
}

const number = (n: number) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100));

/** `✔ name (1/1): message` */
export function checkLine(check: CheckResult): string {
  const mark = check.passed ? '✔' : '✘';
  return `${mark} ${check.name} (${number(check.passed ? check.points : 0)}/${number(check.points)})${check.message ? `: ${check.message}` : ''}`;
}

/** A check as the notebook shows it: a grey line, the check itself in the metadata. */
export function checkAnnotation(check: CheckResult): Annotation {
  const shown = annotation('check', checkLine(check));
  return { data: shown.data, metadata: { [ANNOTATION_METADATA_KEY]: { annotation: 'check', check: { ...check } } } };
}

/** The check a display's metadata carries (a `grade.check` call), if any. */
export function checkOf(metadata: Metadata | undefined): CheckResult | undefined {
  const mark = metadata?.[ANNOTATION_METADATA_KEY];
  if (typeof mark !== 'object' || mark === null) return undefined;
  const check = (mark as { check?: unknown }).check;
  if (typeof check !== 'object' || check === null) return undefined;
  const { name, passed, points, message } = check as Record<string, unknown>;
  if (typeof name !== 'string' || typeof passed !== 'boolean' || typeof points !== 'number' || !Number.isFinite(points)) return undefined;
  return { name, passed, points, message: typeof message === 'string' ? message : '' };
}

/**
 * The line format for C and shell: a line of the cell's output
 *
 *     SOCKBOOK-CHECK PASS|FAIL POINTS NAME [MESSAGE]
 *
 * (`PASS`/`FAIL` in any case, POINTS a number ≥ 0, NAME one word, MESSAGE
 * the rest of the line), e.g. `printf("SOCKBOOK-CHECK %s 1 echo got %s\n",
 * ok ? "PASS" : "FAIL", reply)`.
 */
const CHECK_LINE = /^[ \t]*SOCKBOOK-CHECK[ \t]+(PASS|FAIL)[ \t]+(\d+(?:\.\d+)?|\.\d+)[ \t]+(\S+)(?:[ \t]+(.*?))?[ \t\r]*$/i;

/** The checks in a cell's printed text, in order. */
export function checksInText(text: string): CheckResult[] {
  const found: CheckResult[] = [];
  for (const line of text.split('\n')) {
    const m = CHECK_LINE.exec(line);
    if (m) found.push({ name: m[3], passed: m[1].toUpperCase() === 'PASS', points: Number(m[2]), message: m[4] ?? '' });
  }
  return found;
}
