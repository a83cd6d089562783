/** Splitting magic arguments into words and quoting words back for bash. */

/** Thrown for arguments that cannot be split (an unterminated quote). */
export class ShellWordsError extends Error {}

/**
 * Split like a POSIX shell without expansions: whitespace separates words,
 * '…' is literal, "…" allows \" \\ \$ \` escapes, a backslash outside quotes
 * escapes the next character. Used for `%%writefile` (IPython splits its
 * arguments with shlex) and for `%%c FILE -- FLAGS` / `// cflags:` lines.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ShellWordsError(`unterminated ' quote in: ${text}`);
      current += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i];
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) {
          current += text[i + 1];
          i += 2;
        } else {
          current += c;
          i++;
        }
      }
      if (!closed) throw new ShellWordsError(`unterminated " quote in: ${text}`);
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      current += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** Quote one word for bash so that it stays one literal word. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
