// Tables as the views print them: aligned plain-text columns (what a terminal
// or nbconvert shows) and the same rows as an HTML table (what JupyterLab shows).
import { escapeHtml } from '../display/html-escape';

export interface Column {
  title: string;
  /** Numbers read better right-aligned. */
  align?: 'left' | 'right';
}

/** Rows under a header, columns padded to their widest cell; the last column is never padded. */
export function plainTable(columns: Column[], rows: string[][]): string {
  const widths = columns.map((column, i) => Math.max(column.title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        if (i === cells.length - 1) return cell;
        return columns[i]?.align === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...rows.map(line)].join('\n');
}

/** The same rows as an HTML table; cells are escaped, `pre` keeps spacing (tree prefixes). */
export function htmlTable(columns: Column[], rows: string[][], options: { pre?: number[] } = {}): string {
  const pre = new Set(options.pre ?? []);
  const style = (i: number) => `text-align:${columns[i]?.align === 'right' ? 'right' : 'left'}`;
  const head = columns.map((c, i) => `<th style="${style(i)}">${escapeHtml(c.title)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cells = row.map((cell, i) => {
        const text = escapeHtml(cell);
        const content = pre.has(i) ? `<pre style="margin:0">${text}</pre>` : text;
        return `<td style="${style(i)}">${content}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
