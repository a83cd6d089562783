/**
 * The IPython-style lines a TypeScript cell may hold,
 * turned into TypeScript before the cell is checked and compiled:
 *
 * - `!cmd` becomes `void await __sockbookShell("cmd");`, i.e. `await sh("cmd")`
 *   whose exit status is not shown as the cell's value (as in IPython);
 * - `%p EXPR [# comment]` becomes `__sockbookShowValue("EXPR", (EXPR), "comment");`.
 *
 * The rule, as in IPython: a line whose first non-blank character is `!`
 * (or that starts with `%p`) is such a line when it stands where a statement
 * may start. It is not when it is inside a string, a template literal or a
 * comment, nor when it continues an expression from the line before (that
 * line ends with an operator, `(`, `[`, `,`, `.` or a keyword such as
 * `typeof` that needs an operand). A line starting with `!=` is never one.
 * So a negation at the start of a statement, `!done && go()`, is read as a
 * shell command: write `(!done) && go()` or `if (!done) go()` instead.
 * `!` lines use `await`: inside a function they need an async function.
 *
 * Each line is rewritten in place (one line stays one line), so positions
 * on every other line of the cell are unchanged.
 */

/** The hidden global behind `!cmd` lines (the same function as `sh`). */
export const SHELL_LINE_HELPER = '__sockbookShell';
/** The hidden global behind `%p` lines. */
export const SHOW_VALUE_HELPER = '__sockbookShowValue';

/** Rewrites the `!cmd` and `%p` lines of a TypeScript cell; other text is kept as it is. */
export function rewriteMagicLines(code: string): string {
  if (!/^[ \t]*(?:!|%p(?:\s|$))/m.test(code)) return code;
  const scanner = new CodeScanner();
  const lines = code.split('\n');
  return lines
    .map((line) => {
      if (scanner.atStatementStart()) {
        const rewritten = rewriteLine(line);
        // The rewritten line is a complete statement: the scanner skips it.
        if (rewritten !== undefined) {
          scanner.statementEnded();
          return rewritten;
        }
      }
      scanner.scanLine(line);
      return line;
    })
    .join('\n');
}

function rewriteLine(line: string): string | undefined {
  const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
  const rest = line.slice(indent.length).replace(/\r$/, '');
  if (rest.startsWith('!') && !rest.startsWith('!=')) {
    // `!!cmd` (IPython's capturing form) runs the same command, as in shell cells.
    const command = rest.replace(/^!+/, '').trim();
    return command === '' ? indent : `${indent}void await ${SHELL_LINE_HELPER}(${JSON.stringify(command)});`;
  }
  const magic = /^%p(?:\s+(.*))?$/s.exec(rest);
  if (magic) return indent + showValueStatement(magic[1] ?? '');
  return undefined;
}

/** `%p EXPR [# comment]` as a statement (a thrown error when EXPR is missing). */
function showValueStatement(argument: string): string {
  const { expression, comment } = splitComment(argument);
  if (expression === '') {
    return `throw new SyntaxError(${JSON.stringify('%p needs an expression: %p EXPR [# comment]')});`;
  }
  const commentArgument = comment === undefined ? '' : `, ${JSON.stringify(comment)}`;
  return `${SHOW_VALUE_HELPER}(${JSON.stringify(expression)}, (${expression})${commentArgument});`;
}

/**
 * Splits `EXPR # comment` at the first `#` outside strings that follows a
 * blank (so `this.#field` stays in the expression); a `//` comment is dropped.
 */
export function splitComment(argument: string): { expression: string; comment?: string } {
  const scanner = new CodeScanner();
  let cut = argument.length;
  let comment: string | undefined;
  for (let i = 0; i < argument.length; i++) {
    if (scanner.inCode()) {
      if (argument[i] === '#' && (i === 0 || /\s/.test(argument[i - 1] ?? ''))) {
        cut = i;
        comment = argument.slice(i + 1).trim();
        break;
      }
      if (argument.startsWith('//', i)) {
        cut = i;
        break;
      }
    }
    i = scanner.step(argument, i);
  }
  const expression = argument.slice(0, cut).trim().replace(/;+$/, '').trim();
  return comment === undefined ? { expression } : { expression, comment };
}

type Frame = { kind: 'template' } | { kind: 'code'; braces: number; substitution: boolean };

/** Keywords after which an expression must follow (so a `!` on the next line continues it). */
const OPERAND_KEYWORDS = new Set([
  'await', 'case', 'delete', 'extends', 'in', 'instanceof', 'new', 'of', 'typeof', 'void', 'yield', 'throw', 'keyof', 'as', 'satisfies',
]);
/** Keywords after which a `/` starts a regular expression. */
const REGEX_AFTER_KEYWORDS = new Set([...OPERAND_KEYWORDS, 'return', 'do', 'else']);
/** Stands for the end of a value (a regular expression literal, `i++`) as the last character. */
const END_OF_VALUE = ')';
/** Last characters of a line that leave an expression unfinished. */
const CONTINUING = new Set(['(', '[', ',', '=', '+', '-', '*', '/', '%', '&', '|', '^', '?', ':', '<', '>', '~', '!', '.']);

/**
 * A small lexical scanner, enough to tell where a line starts: in code, a
 * string, a template literal (with `${…}` nesting) or a block comment, and
 * what the last token of code before it was.
 */
class CodeScanner {
  private readonly frames: Frame[] = [{ kind: 'code', braces: 0, substitution: false }];
  private quote: "'" | '"' | undefined;
  private blockComment = false;
  private lineComment = false;
  private regex: { inClass: boolean } | undefined;
  /** The last character of code that was not blank or a comment ('' at the start). */
  private last = '';
  /** The last word of code, when the last token was a word. */
  private lastWord = '';

  inCode(): boolean {
    return this.quote === undefined && !this.blockComment && !this.lineComment && this.regex === undefined && this.top().kind === 'code';
  }

  atStatementStart(): boolean {
    if (!this.inCode()) return false;
    if (this.lastWord !== '') return !OPERAND_KEYWORDS.has(this.lastWord);
    return !CONTINUING.has(this.last);
  }

  /** A line taken out of the code (rewritten as a whole statement). */
  statementEnded(): void {
    this.last = ';';
    this.lastWord = '';
  }

  scanLine(line: string): void {
    for (let i = 0; i < line.length; i++) i = this.step(line, i);
    this.lineComment = false;
    this.regex = undefined; // a regular expression cannot span lines
    // A string continues on the next line only after a backslash.
    if (this.quote !== undefined && !line.endsWith('\\')) this.quote = undefined;
  }

  /** Consumes the character at i (and what belongs to it); returns the index of the last one consumed. */
  step(text: string, i: number): number {
    const ch = text[i] ?? '';
    const next = text[i + 1] ?? '';
    if (this.lineComment) return i;
    if (this.blockComment) {
      if (ch === '*' && next === '/') {
        this.blockComment = false;
        return i + 1;
      }
      return i;
    }
    if (this.quote !== undefined) {
      if (ch === '\\') return i + 1;
      if (ch === this.quote) {
        this.quote = undefined;
        this.token(ch);
      }
      return i;
    }
    if (this.regex !== undefined) {
      if (ch === '\\') return i + 1;
      if (ch === '[') this.regex.inClass = true;
      else if (ch === ']') this.regex.inClass = false;
      else if (ch === '/' && !this.regex.inClass) {
        this.regex = undefined;
        this.token(END_OF_VALUE);
      }
      return i;
    }
    const frame = this.top();
    if (frame.kind === 'template') {
      if (ch === '\\') return i + 1;
      if (ch === '`') {
        this.frames.pop();
        this.token('`');
      } else if (ch === '$' && next === '{') {
        this.frames.push({ kind: 'code', braces: 0, substitution: true });
        this.token('{');
        return i + 1;
      }
      return i;
    }
    if (/\s/.test(ch)) return i;
    if (ch === '/' && next === '/') {
      this.lineComment = true;
      return i;
    }
    if (ch === '/' && next === '*') {
      this.blockComment = true;
      return i + 1;
    }
    if (ch === '/' && this.regexMayStart()) {
      this.regex = { inClass: false };
      return i;
    }
    if (ch === "'" || ch === '"') {
      this.quote = ch;
      return i;
    }
    if (ch === '`') {
      this.frames.push({ kind: 'template' });
      return i;
    }
    if (ch === '{') frame.braces++;
    if (ch === '}') {
      if (frame.braces === 0 && frame.substitution) {
        this.frames.pop();
        return i;
      }
      frame.braces = Math.max(0, frame.braces - 1);
    }
    if ((ch === '+' || ch === '-') && next === ch) {
      // `i++` at the end of a line ends a statement (a prefix `++` there would be odd).
      this.token(END_OF_VALUE);
      return i + 1;
    }
    if (/[\w$]/.test(ch)) {
      let end = i;
      while (/[\w$]/.test(text[end + 1] ?? '')) end++;
      this.token(text[end] ?? ch, text.slice(i, end + 1));
      return end;
    }
    this.token(ch);
    return i;
  }

  private token(lastChar: string, word = ''): void {
    this.last = lastChar;
    this.lastWord = /^[A-Za-z_$]/.test(word) ? word : '';
  }

  private regexMayStart(): boolean {
    if (this.lastWord !== '') return REGEX_AFTER_KEYWORDS.has(this.lastWord);
    return this.last === '' || !/[\w$)\]'"`}]/.test(this.last) || this.last === '}';
  }

  private top(): Frame {
    return this.frames[this.frames.length - 1] ?? { kind: 'code', braces: 0, substitution: false };
  }
}
