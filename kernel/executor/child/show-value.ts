import { inspect } from 'node:util';
import { markdownBundle } from '../../display/markdown';
import type { CellEvent } from '../protocol';

/**
 * What a `%p EXPR [# comment]` line shows: Markdown `` `EXPR = value`  # comment ``,
 * the value as Node's inspect writes it (strings quoted), on one line.
 */
export function showValueMarkdown(expression: string, value: unknown, comment?: string): string {
  const text = `${expression} = ${inspect(value, { colors: false, breakLength: Infinity })}`;
  // A code span is delimited by a run of backticks longer than any inside it.
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const padded = longestRun > 0 ? ` ${text} ` : text;
  const span = `${fence}${padded}${fence}`;
  return comment === undefined || comment === '' ? span : `${span}  # ${comment}`;
}

/** The `%p` helper cells call: shows the line at once, in order with printed output. */
export function createShowValue(emit: (event: CellEvent) => void): (expression: string, value: unknown, comment?: string) => void {
  return (expression, value, comment) => {
    emit({ kind: 'display', data: markdownBundle(showValueMarkdown(String(expression), value, comment === undefined ? undefined : String(comment))), metadata: {} });
  };
}
