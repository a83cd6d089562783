/**
 * IPython-style glob matching (`*` any run, `?` any one character, the
 * whole text must match), without a regular expression: a pattern like
 * `*a*a*a*b` would make a backtracking RegExp exponential on a long input.
 * This is the classic two-pointer match: on a mismatch only the last `*`
 * is retried, so the time is at most text length × pattern length.
 */
export function globMatches(pattern: string, text: string): boolean {
  const p = [...pattern];
  const t = [...text];
  let pi = 0;
  let ti = 0;
  let star = -1; // index in p of the last `*` seen
  let resume = 0; // where in t that `*` would take one more character
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === t[ti]))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
