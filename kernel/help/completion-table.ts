// The completion table: what the language service answers, on a notebook
// with no cells yet, for the global names and for the members of the
// built-ins (`libc.`, `display.`, `comm.` …), with each name's type and
// documentation. `npm run build` writes it (kernel/executor/child/
// completion-table-build.ts); the kernel reads it, so the first Tab is
// answered without the TypeScript compiler.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { projectRoot } from '../paths';

/** One name the table offers: what JupyterLab shows (`type` picks the icon) and Shift-Tab's text. */
export interface TableEntry {
  name: string;
  /** The language service's kind: 'function', 'const', 'property', 'method', 'keyword', 'interface' … */
  kind: string;
  /** The language service's quick info (type line, documentation, tags); absent for keywords and types. */
  info?: string;
}

export interface CompletionTable {
  /** The global completions, in the language service's order (sort text, then name). */
  globals: TableEntry[];
  /** The members of each built-in object, by its path (`libc`, `libc.constants`, `display` …), in the service's order. */
  members: Record<string, TableEntry[]>;
}

/** Where the build writes the table. */
export const COMPLETION_TABLE_FILE = path.join(projectRoot, 'build', 'help', 'completion-table.json');

function isEntryList(value: unknown): value is TableEntry[] {
  return (
    Array.isArray(value) &&
    value.every((e) => typeof e === 'object' && e !== null && typeof e.name === 'string' && typeof e.kind === 'string' && (e.info === undefined || typeof e.info === 'string'))
  );
}

/** Checks a parsed table's shape; a wrong one is refused with what is wrong. */
export function parseCompletionTable(text: string): CompletionTable {
  const value = JSON.parse(text) as unknown;
  if (typeof value !== 'object' || value === null) throw new Error('the completion table is not an object');
  const { globals, members } = value as { globals?: unknown; members?: unknown };
  if (!isEntryList(globals)) throw new Error('the completion table has no list of globals');
  if (typeof members !== 'object' || members === null || !Object.values(members).every(isEntryList)) {
    throw new Error('the completion table has no member lists');
  }
  return { globals, members: members as Record<string, TableEntry[]> };
}

let loading: Promise<CompletionTable | undefined> | undefined;

/**
 * The table, read once (asynchronously). Undefined when the build did not
 * write it or it cannot be read: TypeScript help then waits for the checker,
 * as it would without the table.
 */
export function loadCompletionTable(log: (text: string) => void = () => undefined): Promise<CompletionTable | undefined> {
  loading ??= readFile(COMPLETION_TABLE_FILE, 'utf8').then(parseCompletionTable).catch((error: Error) => {
    log(`completion table unavailable (${error.message}); TypeScript completion waits for the type checker`);
    return undefined;
  });
  return loading;
}
