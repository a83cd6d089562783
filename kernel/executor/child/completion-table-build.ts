// Build step (`npm run build`, after tsc): asks the notebook's own language
// service, over the built-ins' declarations and no cells, what it completes
// for the global names and for the members of every object the declarations
// declare (`declare const libc`, `display`, `comm`, and whatever is added),
// with each name's quick info, and writes that as the kernel's completion
// table. The kernel answers from it while the type checker is not loaded.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CompletionTable, TableEntry } from '../../help/completion-table';
import { projectRoot } from '../../paths';
import { builtinDeclarations } from './builtins-dts';
import { libcSourceModule } from './builtins';
import { NotebookLanguage } from './language-service';
import { typescript } from './typescript';

/** Objects of the standard library and Node whose members a first Tab often asks for, besides the declared built-ins. */
const LIBRARY_OBJECTS = ['console', 'Math', 'JSON', 'Object', 'Array', 'Number', 'String', 'Promise', 'process', 'Buffer', 'Date', 'Symbol', 'Reflect'];

/** Members of members worth a table of their own (their completions are not a function's or a number's). */
const NESTED_OBJECTS = ['libc.constants', 'process.env', 'process.stdout'];

/** Kinds the quick info is kept for: values a student inspects (types and keywords say little more than their name). */
const VALUE_KINDS = new Set(['var', 'let', 'const', 'function', 'method', 'property', 'getter', 'class', 'module', 'local var', 'enum']);

/** The names `declare const NAME` introduces in the built-ins' declarations. */
function declaredObjects(declarations: string): string[] {
  const ts = typescript();
  const file = ts.createSourceFile('builtins.d.ts', declarations, ts.ScriptTarget.ES2022, false);
  return file.statements.flatMap((s) =>
    ts.isVariableStatement(s) ? s.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : [])) : [],
  );
}

/** The completions after `prefix` in an empty notebook (`libc.`; '' for the globals), without their quick info yet. */
function completions(language: NotebookLanguage, prefix: string): TableEntry[] {
  const result = language.complete(prefix, prefix.length);
  const types = (result.metadata?._jupyter_types_experimental ?? []) as Array<{ type?: string }>;
  return result.matches.map((name, i) => ({ name, kind: types[i]?.type ?? '' }));
}

/**
 * Adds the quick info of each value: all of them asked of one text, one
 * `PREFIX.NAME;` line each, so the service builds its program once.
 */
function addQuickInfo(language: NotebookLanguage, lists: Array<{ prefix: string; list: TableEntry[] }>): void {
  const wanted = lists.flatMap(({ prefix, list }) => list.filter((e) => VALUE_KINDS.has(e.kind)).map((entry) => ({ entry, text: `${prefix}${entry.name}` })));
  let code = '';
  const positions: number[] = [];
  for (const { text } of wanted) {
    code += `${text};\n`;
    positions.push(code.length - 2);
  }
  wanted.forEach(({ entry }, i) => {
    const info = language.quickInfo(code, positions[i] ?? 0);
    if (info !== undefined) entry.info = info;
  });
}

export function buildCompletionTable(): CompletionTable {
  const declarations = builtinDeclarations(libcSourceModule());
  const language = new NotebookLanguage(declarations);
  const members: Record<string, TableEntry[]> = {};
  for (const object of [...declaredObjects(declarations), ...LIBRARY_OBJECTS, ...NESTED_OBJECTS]) {
    const found = completions(language, `${object}.`);
    if (found.length > 0) members[object] = found;
  }
  const globals = completions(language, '');
  addQuickInfo(language, [{ prefix: '', list: globals }, ...Object.entries(members).map(([object, list]) => ({ prefix: `${object}.`, list }))]);
  return { globals, members };
}

/** The files the table is made from: when none is newer than the table, the build keeps it. */
function tableInputs(): string[] {
  const native = path.join(projectRoot, 'native');
  return [
    ...readdirSync(native).filter((f) => f.endsWith('.ts')).map((f) => path.join(native, f)),
    path.join(projectRoot, 'kernel', 'executor', 'child', 'builtins-dts.ts'),
    path.join(projectRoot, 'kernel', 'executor', 'child', 'language-service.ts'),
    path.join(projectRoot, 'kernel', 'executor', 'child', 'node-declarations.ts'),
    __filename,
    require.resolve('typescript/package.json'),
    path.join(projectRoot, 'node_modules', '@types', 'node', 'package.json'),
  ];
}

function isCurrent(table: string): boolean {
  if (!existsSync(table)) return false;
  const written = statSync(table).mtimeMs;
  return tableInputs().every((input) => !existsSync(input) || statSync(input).mtimeMs <= written);
}

if (require.main === module) {
  const { COMPLETION_TABLE_FILE } = require('../../help/completion-table') as typeof import('../../help/completion-table');
  if (!isCurrent(COMPLETION_TABLE_FILE)) {
    const started = Date.now();
    const table = buildCompletionTable();
    mkdirSync(path.dirname(COMPLETION_TABLE_FILE), { recursive: true });
    writeFileSync(COMPLETION_TABLE_FILE, JSON.stringify(table));
    const counts = Object.entries(table.members).map(([object, list]) => `${object} ${list.length}`);
    console.log(`completion table: ${table.globals.length} globals; members: ${counts.join(', ')} (${Date.now() - started} ms)`);
  }
}
