/**
 * The course's magics changed over the years; each notebook's setup cell
 * carries, as a Python string, the source of the magics it was written for.
 *
 * - `silent-comments` (2019–21): `%run CMD`, and comment lines `%# TEXT`
 *   (in every magic) or `%C TEXT` (C the magic's comment start, so `%// TEXT`
 *   in cpp and asm) that are written to the file and show nothing. The space
 *   after the prefix is part of it. Every other `%` line is an error.
 * - `headings` (2021 on): `%run CMD`, `%MD TEXT` (Markdown), and `%C TEXT`
 *   (no space needed) showing the heading `#### \`TEXT\``. Every other `%`
 *   line is an error, so `%# TEXT` in a cpp cell is one.
 * - `union` (no setup cell, or one whose magics are not recognised): the
 *   `headings` rules, plus `%# TEXT` in the `//` magics as a silent comment,
 *   where the old magics accepted it and the new ones reject it. Where the two
 *   conflict (`%C TEXT`: silent then, a heading now) the current magics win.
 */
export type MagicDialect = 'silent-comments' | 'headings' | 'union';

/** Markers of each year's `save_file`, matched with backslashes (string escapes) removed. */
const SILENT_COMMENT_MARKERS = [
  // 2019: `%# ` is a comment in every magic
  /run_prefix\s*=\s*["']%# ["']/,
  // 2020: `%` + the magic's comment start + a space
  /startswith\(\s*["']%["']\s*\+\s*line_comment_start\s*\+\s*["'] ["']\s*\)/,
  // the first version: nothing but %run
  /assert\s+line\.startswith\(\s*run_prefix\s*\)/,
];
const HEADING_MARKERS = [
  /comment_prefix\s*=\s*["']%["']\s*\+\s*line_comment_start(?!\s*\+)/,
  /#\s*#\s*#\s*#\s*`%s`/,
];

/**
 * The dialect a setup cell's magics speak, from the cell's text, or
 * undefined when its text holds no magics this kernel knows (the notebook
 * then keeps the union).
 */
export function detectDialect(setupCell: string): MagicDialect | undefined {
  const source = setupCell.replace(/\\/g, '');
  if (HEADING_MARKERS.some((marker) => marker.test(source))) return 'headings';
  if (SILENT_COMMENT_MARKERS.some((marker) => marker.test(source))) return 'silent-comments';
  return undefined;
}
