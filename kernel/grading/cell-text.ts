import { annotationKindOf } from '../display/annotation';
import type { Metadata } from '../interpreter/output-sink';
import type { CodeCell } from '../notebook/nbformat';
import { joinSource } from '../notebook/nbformat';

/** The first line worth showing: the first non-blank one, trimmed. */
export function firstLine(code: string, max = 80): string {
  const line = code.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

// Colour and cursor sequences of terminal output and tracebacks.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Longest output kept in a report per cell; the middle of a longer one is left out. */
const REPORT_OUTPUT_LIMIT = 32 * 1024;

// The reports list checks and scores apart.
const isCheckOrScore = (metadata: Metadata) => ['check', 'score'].includes(annotationKindOf(metadata) ?? '');

/** What a cell printed and raised, as plain text (checks and the score line left out). */
export function outputText(cell: CodeCell): string {
  const parts: string[] = [];
  for (const output of cell.outputs) {
    if (output.output_type === 'stream') parts.push(joinSource(output.text));
    else if (output.output_type === 'error') parts.push(`${output.traceback.join('\n')}\n`);
    else if (isCheckOrScore(output.metadata)) continue;
    else if (typeof output.data['text/plain'] === 'string') parts.push(`${output.data['text/plain']}\n`);
  }
  const text = stripAnsi(parts.join(''));
  if (text.length <= REPORT_OUTPUT_LIMIT) return text;
  const half = REPORT_OUTPUT_LIMIT / 2;
  return `${text.slice(0, half)}\n[… ${text.length - REPORT_OUTPUT_LIMIT} characters left out …]\n${text.slice(-half)}`;
}
