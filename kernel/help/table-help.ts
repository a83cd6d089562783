// TypeScript completion and inspection answered in the kernel, from the
// completion table (the built-ins and the standard globals, as the language
// service sees them) and the top-level names of the cells run so far. It
// answers what it can know without the checker: a global name being typed,
// or a member of a built-in object (`libc.ep`, `display.`); anything else
// (members of the cells' own objects, locals, strings) is left to the checker.
import type { CompletionResult, InspectionResult } from '../interpreter/interpreter';
import { topLevelDeclarations, type Declaration } from './cell-declarations';
import type { CompletionTable, TableEntry } from './completion-table';
import { prefixAtCursor, wordAtCursor } from './cursor-word';
import { tokenize } from './typescript-tokens';

/**
 * Cells longer than this are not read here (a 1 MB cell would hold up the kernel's event loop): the checker
 * answers in them, and their names are not offered before it is loaded. The same bound as the cell planner's.
 */
const MAX_CELL_LENGTH = 64 * 1024;

/** Kinds that name only a type: not offered where a statement or an expression is typed, as the language service does. */
const TYPE_ONLY_KINDS = new Set(['interface', 'type']);

/** After these the name typed is a new one (`const na|`). */
const NEW_NAME_AFTER = new Set(['const', 'let', 'var', 'function', 'class', 'interface', 'type', 'enum', 'namespace', 'module']);
/** After these a type is typed (`x: Sock|`, `as`, `extends`), which the table does not hold. */
const TYPE_AFTER = new Set([':', 'as', 'satisfies', 'implements', 'extends', 'keyof', 'infer', 'is', '<']);

/** `a.b.` just before `at` (spaces allowed around the dots): the object path, or undefined when the text there is not one. */
function objectPathBefore(code: string, at: number): string[] | undefined {
  const before = code.slice(0, at);
  if (!/\.\s*$/.test(before)) return undefined;
  const match = /((?:[A-Za-z_$][\w$]*\s*\.\s*)+)$/.exec(before);
  if (!match) return [];
  // `f().x.`, `a[0].`, `a?.b.`, `1..`: a value the table cannot know.
  if (/[.)\]]\s*$/.test(before.slice(0, match.index))) return [];
  return match[1]?.split('.').map((part) => part.trim()).filter((part) => part !== '');
}

/** True when the cursor stands in code (not in a string, comment, template text or regular expression). */
function inCode(code: string, cursor: number): boolean {
  return tokenize(code.slice(0, cursor)).end === 'code';
}

/** True on a `!cmd` or `%p` line: those are not TypeScript. */
function onMagicLine(code: string, cursor: number): boolean {
  const line = code.slice(code.lastIndexOf('\n', cursor - 1) + 1, cursor);
  return /^\s*[!%]/.test(line);
}

export class TableHelp {
  constructor(private readonly table: CompletionTable) {}

  /**
   * The completions at the cursor, or undefined when the answer needs the
   * checker. `cells` are the TypeScript cells run so far, oldest first.
   */
  complete(code: string, cursor: number, cells: readonly string[]): CompletionResult | undefined {
    if (code.length > MAX_CELL_LENGTH) return undefined;
    if (!inCode(code, cursor) || onMagicLine(code, cursor)) return undefined;
    const prefix = prefixAtCursor(code, cursor);
    if (/^[0-9]/.test(prefix.word)) return undefined;
    const path = objectPathBefore(code, prefix.start);
    const previous = tokenize(code.slice(0, prefix.start)).tokens.at(-1);
    // A name being declared: the language service suggests nothing there.
    if (path === undefined && previous && NEW_NAME_AFTER.has(previous.text)) return { matches: [], cursorStart: prefix.start, cursorEnd: prefix.end, metadata: { _jupyter_types_experimental: [] } };
    // A type, or what a module exports: the table has only values.
    if (path === undefined && previous && TYPE_AFTER.has(previous.text)) return undefined;
    if (/^\s*import\b/.test(code.slice(code.lastIndexOf('\n', prefix.start - 1) + 1, prefix.start))) return undefined;
    let entries: TableEntry[];
    if (path === undefined) {
      // The word being typed is not a declaration of itself.
      const own = this.declarations(cells, code.slice(0, prefix.start) + code.slice(prefix.end));
      const local = [...own.values()]
        .filter((d) => !TYPE_ONLY_KINDS.has(d.kind))
        .map((d) => ({ name: d.name, kind: d.kind }))
        .sort((a, b) => a.name.localeCompare(b.name));
      entries = [...local, ...this.table.globals.filter((e) => !own.has(e.name))];
    } else {
      const members = this.members(path, cells, code);
      if (!members) return undefined;
      entries = members;
    }
    const matches = entries.filter((e) => e.name.startsWith(prefix.word));
    return {
      matches: matches.map((e) => e.name),
      cursorStart: prefix.start,
      cursorEnd: prefix.end,
      metadata: {
        _jupyter_types_experimental: matches.map((e) => ({ start: prefix.start, end: prefix.end, text: e.name, type: e.kind })),
      },
    };
  }

  /** The type and documentation of the name at the cursor, or undefined when the answer needs the checker. */
  inspect(code: string, cursor: number, cells: readonly string[]): InspectionResult | undefined {
    if (code.length > MAX_CELL_LENGTH) return undefined;
    if (!inCode(code, cursor) || onMagicLine(code, cursor)) return undefined;
    const word = wordAtCursor(code, cursor);
    if (!word) return undefined;
    const path = objectPathBefore(code, word.start);
    let info: string | undefined;
    if (path === undefined) {
      // A cell's own name: its inferred type is what Shift-Tab must show, and only the checker knows it.
      if (this.declarations(cells, code).has(word.word)) return undefined;
      info = this.table.globals.find((e) => e.name === word.word)?.info;
    } else {
      const members = this.members(path, cells, code);
      if (!members) return undefined;
      info = members.find((e) => e.name === word.word)?.info;
    }
    return info === undefined ? { found: false, data: {} } : { found: true, data: { 'text/plain': info } };
  }

  /** A built-in object's members; undefined for an unknown path, or one whose first name the cells declared themselves. */
  private members(path: string[], cells: readonly string[], code: string): TableEntry[] | undefined {
    const root = path[0];
    if (root === undefined || this.declarations(cells, code).has(root)) return undefined;
    return this.table.members[path.join('.')];
  }

  /** The latest declaration of each top-level name of the cells and of `code`. */
  private declarations(cells: readonly string[], code: string): Map<string, Declaration> {
    const byName = new Map<string, Declaration>();
    for (const cell of [...cells, code]) for (const d of this.declarationsOf(cell)) byName.set(d.name, d);
    return byName;
  }

  private readonly parsed = new Map<string, Declaration[]>();

  /** A cell's declarations, parsed once per distinct cell text (the current cell changes with each key). */
  private declarationsOf(cell: string): Declaration[] {
    let found = this.parsed.get(cell);
    if (!found) {
      found = cell.length > MAX_CELL_LENGTH ? [] : topLevelDeclarations(cell);
      if (this.parsed.size > 256) this.parsed.clear();
      this.parsed.set(cell, found);
    }
    return found;
  }
}
