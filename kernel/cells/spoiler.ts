import { escapeHtml } from '../display/html-escape';

/**
 * A command's whole output as the course shows it under
 * `--under-spoiler-threshold N`: one trailing newline dropped, HTML-escaped,
 * in `<pre><code>`, folded in `<details>` when it has more than N lines.
 * Returns '' for empty output: the course then displays nothing.
 */
export function formatSpoilerOutput(text: string, threshold: number): string {
  if (!Number.isFinite(threshold)) throw new RangeError(`spoiler threshold must be a number, got ${threshold}`);
  const trimmed = text.endsWith('\n') ? text.slice(0, -1) : text;
  const escaped = escapeHtml(trimmed);
  const lineCount = trimmed.split('\n').length;
  if (lineCount > threshold) {
    return `<details> <summary> output </summary> <pre><code>${escaped}</code></pre></details>`;
  }
  return escaped === '' ? '' : `<pre><code>${escaped}</code></pre>`;
}
