/** The indent for the next line of an unfinished cell: the last line's, two more after an opening bracket. */
export function continuationIndent(code: string): string {
  const lastLine = code.trimEnd().split('\n').pop() ?? '';
  const base = /^\s*/.exec(lastLine)?.[0] ?? '';
  return /[{([]$/.test(lastLine.trimEnd()) ? `${base}  ` : base;
}
