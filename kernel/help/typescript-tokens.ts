// A light tokenizer of TypeScript cells for the kernel's own help: enough to
// find the top-level declarations of a cell and to tell whether a cursor
// stands in code, a string or a comment, without loading the compiler.

export interface Token {
  /** 'name' (identifiers and keywords), 'punct' (one character of punctuation), 'literal' (string, number, regex, template). */
  type: 'name' | 'punct' | 'literal';
  text: string;
  start: number;
  /** Nesting of (), [], {} at the token (template expressions count as one level). */
  depth: number;
  /** A line break comes between this token and the one before. */
  newlineBefore: boolean;
}

/** Where the text ends: in code, or inside something still open. */
export type EndState = 'code' | 'string' | 'template' | 'comment' | 'regex';

export interface Tokens {
  tokens: Token[];
  end: EndState;
}

const NAME_START = /[A-Za-z_$\u00a0-\uffff]/;
const NAME_PART = /[\w$\u00a0-\uffff]/;
/** After these a `/` starts a regular expression, not a division. */
const REGEX_AFTER_NAMES = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

function regexMayFollow(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.type === 'literal') return false;
  if (previous.type === 'name') return REGEX_AFTER_NAMES.has(previous.text);
  return !')]}'.includes(previous.text);
}

/**
 * The tokens of `code`. Lines that begin with `!` or `%` at the top level
 * (shell and display lines of a cell) are left out, as the executor turns
 * them into calls of its own.
 */
export function tokenize(code: string): Tokens {
  const tokens: Token[] = [];
  /** One entry per open bracket; 'template' marks a `${` whose `}` resumes a template string. */
  const open: Array<'bracket' | 'template'> = [];
  let newline = true;
  let lineStart = true;
  let i = 0;
  const push = (type: Token['type'], start: number, end: number): void => {
    tokens.push({ type, text: code.slice(start, end), start, depth: open.length, newlineBefore: newline });
    newline = false;
    lineStart = false;
  };
  /** Reads a template string's text from i up to its end or its next `${`; false when the code ends first. */
  const templateText = (): boolean => {
    while (i < code.length) {
      const c = code[i];
      if (c === '\\') i += 2;
      else if (c === '`') {
        i++;
        return true;
      } else if (c === '$' && code[i + 1] === '{') {
        i += 2;
        open.push('template');
        return true;
      } else i++;
    }
    return false;
  };
  while (i < code.length) {
    const c = code[i] ?? '';
    if (c === '\n') {
      newline = true;
      lineStart = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (lineStart && open.length === 0 && (c === '!' || c === '%')) {
      while (i < code.length && code[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '/' && code[i + 1] === '/') {
      while (i < code.length && code[i] !== '\n') i++;
      if (i >= code.length) return { tokens, end: 'comment' };
      continue;
    }
    if (c === '/' && code[i + 1] === '*') {
      const close = code.indexOf('*/', i + 2);
      if (close < 0) return { tokens, end: 'comment' };
      if (code.slice(i, close).includes('\n')) newline = true;
      i = close + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < code.length && code[i] !== c && code[i] !== '\n') i += code[i] === '\\' ? 2 : 1;
      if (i >= code.length || code[i] === '\n') return { tokens, end: 'string' };
      i++;
      push('literal', start, i);
      continue;
    }
    if (c === '`') {
      i++;
      if (!templateText()) return { tokens, end: 'template' };
      push('literal', start, i);
      continue;
    }
    if (c === '/' && regexMayFollow(tokens[tokens.length - 1])) {
      i++;
      let inClass = false;
      while (i < code.length && code[i] !== '\n' && (inClass || code[i] !== '/')) {
        if (code[i] === '\\') i++;
        else if (code[i] === '[') inClass = true;
        else if (code[i] === ']') inClass = false;
        i++;
      }
      if (i >= code.length || code[i] === '\n') return { tokens, end: 'regex' };
      i++;
      while (i < code.length && NAME_PART.test(code[i] ?? '')) i++;
      push('literal', start, i);
      continue;
    }
    if (NAME_START.test(c)) {
      while (i < code.length && NAME_PART.test(code[i] ?? '')) i++;
      push('name', start, i);
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(code[i + 1] ?? ''))) {
      while (i < code.length && /[\w.]/.test(code[i] ?? '')) i++;
      push('literal', start, i);
      continue;
    }
    i++;
    if (c === '}' && open[open.length - 1] === 'template') {
      open.pop();
      if (!templateText()) return { tokens, end: 'template' };
      continue;
    }
    if ('([{'.includes(c)) {
      push('punct', start, i);
      open.push('bracket');
    } else if (')]}'.includes(c)) {
      if (open.length > 0) open.pop();
      push('punct', start, i);
    } else push('punct', start, i);
  }
  return { tokens, end: 'code' };
}
