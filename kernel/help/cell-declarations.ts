// The names a TypeScript cell declares at its top level (what later cells
// see as globals), found from tokens: the kernel completes them before the
// type checker is loaded.
import { tokenize, type Token } from './typescript-tokens';

/** A declared name with the language service's kind for it (what JupyterLab's icon follows). */
export interface Declaration {
  name: string;
  /** 'const', 'let', 'var', 'function', 'class', 'enum', 'module', 'alias', 'interface', 'type'. */
  kind: string;
  /** The declaration's source line, for inspection. */
  line: string;
}

const MODIFIERS = new Set(['export', 'declare', 'async', 'default', 'abstract']);

/** The top-level declarations of `code`, in source order. */
export function topLevelDeclarations(code: string): Declaration[] {
  const tokens = tokenize(code).tokens;
  const found: Declaration[] = [];
  const lineOf = (token: Token): string => {
    const start = code.lastIndexOf('\n', token.start) + 1;
    const end = code.indexOf('\n', token.start);
    return code.slice(start, end < 0 ? code.length : end).trim();
  };
  const add = (token: Token | undefined, kind: string, at: Token): void => {
    if (token?.type === 'name') found.push({ name: token.text, kind, line: lineOf(at) });
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token || token.depth !== 0 || token.type !== 'name') continue;
    const previous = tokens[i - 1];
    const startsStatement = !previous || previous.text === ';' || previous.text === '}' || MODIFIERS.has(previous.text) || token.newlineBefore;
    if (!startsStatement || previous?.text === '.') continue;
    const next = tokens[i + 1];
    switch (token.text) {
      case 'const':
      case 'let':
      case 'var':
        if (token.text === 'const' && next?.text === 'enum') {
          add(tokens[i + 2], 'enum', token);
          i += 2;
        } else i = variableDeclarators(tokens, i + 1, (name) => add(name, token.text, token));
        break;
      case 'function': {
        const name = next?.text === '*' ? tokens[i + 2] : next;
        add(name, 'function', token);
        break;
      }
      case 'class':
      case 'enum':
      case 'interface':
        add(next, token.text, token);
        break;
      case 'type':
        if (next?.type === 'name' && (tokens[i + 2]?.text === '=' || tokens[i + 2]?.text === '<')) add(next, 'type', token);
        break;
      case 'namespace':
      case 'module':
        if (next?.type === 'name') add(next, 'module', token);
        break;
      case 'import':
        i = importNames(tokens, i + 1, (name) => add(name, 'alias', token));
        break;
    }
  }
  return found;
}

/** Reads `a = 1, { b, c: d } = o, [e, ...f] = g` from i; returns the index of the last token read. */
function variableDeclarators(tokens: Token[], i: number, add: (name: Token) => void): number {
  const statementDepth = 0;
  for (;;) {
    i = bindingPattern(tokens, i, add);
    // Skip the type and the initializer: up to a comma or the statement's end at the top level.
    let j = i;
    while (j < tokens.length) {
      const t = tokens[j];
      if (!t) break;
      if (t.depth === statementDepth && (t.text === ';' || t.text === ',')) break;
      // A new statement on the next line (no operator left the expression open).
      if (j > i && t.newlineBefore && t.depth === statementDepth && t.type === 'name' && continuesNothing(tokens[j - 1])) return j - 1;
      j++;
    }
    const stop = tokens[j];
    if (!stop || stop.text === ';') return j;
    i = j + 1;
  }
}

/** True when a token cannot leave an expression open (so a line break after it ends the statement). */
function continuesNothing(token: Token | undefined): boolean {
  if (!token) return true;
  return token.type !== 'punct' || ')]}'.includes(token.text);
}

/** Reads one binding (a name, or an object or array pattern) from i, reporting its names; returns the index after it. */
function bindingPattern(tokens: Token[], i: number, add: (name: Token) => void): number {
  const first = tokens[i];
  if (!first) return i;
  if (first.type === 'name') {
    add(first);
    return i + 1;
  }
  if (first.text !== '{' && first.text !== '[') return i + 1;
  const depth = first.depth;
  const isObject = first.text === '{';
  i++;
  // Inside the pattern: an element is `name`, `key: pattern`, `...name`, `pattern = default`.
  let expectBinding = true;
  while (i < tokens.length) {
    const t = tokens[i];
    if (!t) break;
    if (t.depth === depth && (t.text === '}' || t.text === ']')) return i + 1;
    if (t.depth === depth + 1 && t.text === ',') {
      expectBinding = true;
      i++;
      continue;
    }
    if (t.depth === depth + 1 && t.text === '.') {
      i++;
      continue;
    }
    if (expectBinding && t.depth === depth + 1) {
      if (t.type === 'name' && isObject && tokens[i + 1]?.text === ':') {
        i = bindingPattern(tokens, i + 2, add);
      } else if (t.type === 'name' || t.text === '{' || t.text === '[') {
        i = bindingPattern(tokens, i, add);
      } else i++;
      expectBinding = false;
      continue;
    }
    i++;
  }
  return i;
}

/** Reads an import's bindings from i (`x`, `{ a, b as c }`, `* as ns`, `x = require(…)`, `type …`); returns the last index read. */
function importNames(tokens: Token[], i: number, add: (name: Token) => void): number {
  if (tokens[i]?.text === 'type' && tokens[i + 1]?.text !== 'from' && tokens[i + 1]?.text !== ',') i++;
  while (i < tokens.length) {
    const t = tokens[i];
    if (!t || t.type === 'literal' || t.text === ';' || t.text === 'from' || t.text === '(') return i;
    if (t.type === 'name' && t.text !== 'type' && t.text !== 'as') {
      const next = tokens[i + 1];
      // `a as b` binds b
      if (next?.text === 'as') {
        i += 2;
        continue;
      }
      add(t);
      if (next?.text === '=') return i + 1;
    }
    if (t.text === '*' && tokens[i + 1]?.text === 'as') {
      add(tokens[i + 2] ?? t);
      i += 3;
      continue;
    }
    i++;
  }
  return i;
}
