/**
 * Python's notion of whitespace, so that the course magics (written in
 * Python) can be reproduced byte for byte: `str.rstrip()`, `str.strip()` and
 * `str.split()` use `str.isspace()`, which differs from JavaScript's `trim()`
 * (Python counts \x1c-\x1f and \x85, JavaScript counts \uFEFF).
 */
const PYTHON_WHITESPACE = new Set<string>([
  '\t', '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\x1f', ' ', '\x85', '\xa0',
  '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006',
  '\u2007', '\u2008', '\u2009', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
]);

/** `ch.isspace()` for one UTF-16 code unit (all Python whitespace is in the BMP). */
export function isPythonSpace(ch: string): boolean {
  return PYTHON_WHITESPACE.has(ch);
}

/** `s.rstrip()` */
export function pythonRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPythonSpace(s[end - 1])) end--;
  return s.slice(0, end);
}

/** `s.lstrip()` */
export function pythonLstrip(s: string): string {
  let start = 0;
  while (start < s.length && isPythonSpace(s[start])) start++;
  return s.slice(start);
}

/** `s.strip()` */
export function pythonStrip(s: string): string {
  return pythonLstrip(pythonRstrip(s));
}

/** `s.split()` with no separator: runs of whitespace separate, no empty words. */
export function pythonSplit(s: string): string[] {
  const words: string[] = [];
  let current = '';
  for (const ch of s) {
    if (isPythonSpace(ch)) {
      if (current) words.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) words.push(current);
  return words;
}
