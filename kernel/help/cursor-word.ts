// The identifier a completion or inspection request is about.

export interface CursorWord {
  word: string;
  /** UTF-16 offsets of the word in the code. */
  start: number;
  end: number;
}

const IDENT = /[A-Za-z0-9_$]/;

/** The identifier around the cursor; when there is none, the callee of the call the cursor is in front of (`socket(|`). */
export function wordAtCursor(code: string, cursor: number): CursorWord | undefined {
  let start = cursor;
  let end = cursor;
  while (start > 0 && IDENT.test(code[start - 1] ?? '')) start--;
  while (end < code.length && IDENT.test(code[end] ?? '')) end++;
  if (start === end) {
    // Jupyter frontends ask about `f(|`: the function being called.
    const before = /([A-Za-z_$][\w$]*)\s*\(\s*$/.exec(code.slice(0, cursor));
    if (!before?.[1]) return undefined;
    start = before.index;
    end = start + before[1].length;
  }
  const word = code.slice(start, end);
  if (!/^[A-Za-z_$]/.test(word)) return undefined;
  return { word, start, end };
}

/** The identifier being typed before the cursor (completion replaces it). */
export function prefixAtCursor(code: string, cursor: number): CursorWord {
  let start = cursor;
  while (start > 0 && IDENT.test(code[start - 1] ?? '')) start--;
  return { word: code.slice(start, cursor), start, end: cursor };
}

/** True when the word is written as `libc.NAME` (a binding of the C library). */
export function isLibcMember(code: string, word: CursorWord): boolean {
  return /\blibc\s*\.\s*$/.test(code.slice(0, word.start));
}
