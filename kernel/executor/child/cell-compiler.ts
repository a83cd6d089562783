import { SourceMap } from 'node:module';
import type * as TS from 'typescript';
import { typescript } from './typescript';

/** A problem found by the parser, at a 1-based line and column of the cell. */
export interface SyntaxProblem {
  line: number;
  column: number;
  code: number;
  message: string;
}

/** A cell turned into JavaScript that runs as a script in the executor's global scope. */
export interface CompiledCell {
  name: string;
  source: string;
  js: string;
  /** Maps a 1-based line and column of `js` to the 1-based line and column in the cell. */
  toCellPosition(line: number, column: number): { line: number; column: number } | undefined;
}

/** Name of the hidden global that turns a required module into an ES default import. */
export const IMPORT_DEFAULT_HELPER = '__sockbookImportDefault';

interface Edit {
  pos: number;
  end: number;
  text: string;
  /** The async wrapper around the cell: positions in it have no place in the cell. */
  wrapper?: boolean;
}

/** The parser's errors for a cell (type errors are not looked at here). */
export function syntaxProblems(code: string): SyntaxProblem[] {
  const ts = typescript();
  const out = ts.transpileModule(code, {
    fileName: 'cell.ts',
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  const lines = lineStarts(code);
  return (out.diagnostics ?? [])
    .filter((d) => d.category === ts.DiagnosticCategory.Error && d.start !== undefined)
    .map((d) => ({
      ...positionOf(lines, d.start ?? 0),
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
}

/**
 * Rewrites the cell so that its top-level declarations land on the global
 * object (so later cells see them and re-running a cell can declare them
 * again), wraps it in an async function (so `await` works at top level) whose
 * result is the final expression's value, and strips the types.
 */
/** Compiled cells by source text: re-running an unchanged cell skips the compiler (its output does not depend on the name). */
const compiledBySource = new Map<string, Omit<CompiledCell, 'name'>>();
const MAX_CACHED_CELLS = 200;

export function compileCell(code: string, name: string): CompiledCell {
  let compiled = compiledBySource.get(code);
  if (compiled) {
    compiledBySource.delete(code); // most recently used last
  } else {
    compiled = compileSource(code);
    if (compiledBySource.size >= MAX_CACHED_CELLS) compiledBySource.delete(compiledBySource.keys().next().value as string);
  }
  compiledBySource.set(code, compiled);
  return { name, ...compiled };
}

function compileSource(code: string): Omit<CompiledCell, 'name'> {
  const name = 'cell';
  const ts = typescript();
  const file = ts.createSourceFile(`${name}.ts`, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const rewrite = new CellRewrite(ts, file);
  const rewritten = rewrite.apply();
  const out = ts.transpileModule(rewritten, {
    fileName: `${name}.ts`,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      sourceMap: true,
      esModuleInterop: true,
    },
  });
  // Cells run in sloppy mode like Node's REPL (`x = 1` creates a global); the
  // directive is blanked rather than removed so line numbers stay put.
  const js = out.outputText
    .replace(/^"use strict";/, '             ')
    .replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  const map = new SourceMap(JSON.parse(out.sourceMapText ?? '{"version":3,"sources":[],"names":[],"mappings":""}'));
  const rewrittenLines = lineStarts(rewritten);
  const cellLines = lineStarts(code);
  return {
    source: code,
    js,
    toCellPosition(line, column) {
      const entry = map.findEntry(line - 1, column - 1) as { originalLine?: number; originalColumn?: number };
      if (entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
      const lineStart = rewrittenLines[entry.originalLine];
      if (lineStart === undefined) return undefined;
      const offset = rewrite.toOriginalOffset(lineStart + entry.originalColumn);
      if (offset === undefined) return undefined;
      return positionOf(cellLines, Math.min(offset, code.length));
    },
  };
}

/** Collects text edits on the cell's TypeScript source and applies them. */
class CellRewrite {
  private readonly edits: Edit[] = [];
  /** Names declared with var/let/const/class/import: declared as `var` outside the wrapper. */
  private readonly globals = new Set<string>();
  /** Function declarations stay hoisted inside the wrapper and are copied to the global object first thing. */
  private readonly functions = new Set<string>();
  private sorted: Edit[] = [];

  constructor(private readonly ts: typeof TS, private readonly file: TS.SourceFile) {}

  apply(): string {
    const statements = this.file.statements;
    statements.forEach((statement, index) => {
      this.statement(statement, index === statements.length - 1);
    });
    const vars = this.globals.size > 0 ? `var ${[...this.globals].join(', ')}; ` : '';
    const hoisted = [...this.functions].map((f) => `globalThis.${f} = ${f}; `).join('');
    this.edits.unshift({ pos: 0, end: 0, text: `${vars}(async () => { ${hoisted}`, wrapper: true });
    this.edits.push({ pos: this.file.text.length, end: this.file.text.length, text: '\n})()', wrapper: true });
    this.sorted = this.edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.pos - b.e.pos || a.i - b.i).map((x) => x.e);
    let out = '';
    let cursor = 0;
    for (const edit of this.sorted) {
      out += this.file.text.slice(cursor, edit.pos) + edit.text;
      cursor = Math.max(cursor, edit.end);
    }
    return out + this.file.text.slice(cursor);
  }

  /** Maps an offset in the rewritten text back to the cell's text (undefined inside the wrapper). */
  toOriginalOffset(offset: number): number | undefined {
    let shift = 0;
    for (const edit of this.sorted) {
      const start = edit.pos + shift;
      if (offset < start) break;
      if (offset < start + edit.text.length) return edit.wrapper ? undefined : edit.pos;
      shift += edit.text.length - (edit.end - edit.pos);
    }
    return offset - shift;
  }

  private statement(node: TS.Statement, isLast: boolean): void {
    const ts = this.ts;
    if (this.hasModifier(node, ts.SyntaxKind.DeclareKeyword)) return;
    if (ts.isVariableStatement(node)) this.variables(node);
    else if (ts.isFunctionDeclaration(node)) {
      if (node.name && node.body) {
        this.functions.add(node.name.text);
        this.removeModifiers(node, [ts.SyntaxKind.ExportKeyword, ts.SyntaxKind.DefaultKeyword]);
      }
    } else if (ts.isClassDeclaration(node)) {
      if (node.name) {
        this.globals.add(node.name.text);
        this.insert(node.getStart(), `${node.name.text} = `);
        this.removeModifiers(node, [ts.SyntaxKind.ExportKeyword, ts.SyntaxKind.DefaultKeyword, ts.SyntaxKind.AbstractKeyword]);
        this.insert(node.end, ';');
      }
    } else if (ts.isEnumDeclaration(node) || (ts.isModuleDeclaration(node) && ts.isIdentifier(node.name))) {
      this.removeModifiers(node, [ts.SyntaxKind.ExportKeyword]);
      this.insert(node.end, `; globalThis.${node.name.text} = ${node.name.text};`);
    } else if (ts.isImportDeclaration(node)) this.importDeclaration(node);
    else if (ts.isImportEqualsDeclaration(node)) {
      if (!node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) {
        this.globals.add(node.name.text);
        this.replaceKeepingLines(node, `${node.name.text} = require(${node.moduleReference.expression.getText()});`);
      }
    } else if (ts.isExportDeclaration(node) || ts.isExportAssignment(node)) {
      this.replaceKeepingLines(node, '');
    } else if (isLast && ts.isExpressionStatement(node)) {
      this.insert(node.expression.getStart(), 'return (');
      this.insert(node.expression.end, ')');
    }
  }

  /** `const a: T = 1, {b} = o` becomes `a = 1, ({b} = o)` with a, b declared as globals. */
  private variables(node: TS.VariableStatement): void {
    const ts = this.ts;
    const list = node.declarationList;
    // `using` declarations keep their scope-bound disposal: left inside the wrapper.
    const kind = list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using);
    if (kind === ts.NodeFlags.Using || kind === ts.NodeFlags.AwaitUsing) return;
    const isVar = kind === 0;
    const first = list.declarations[0];
    if (!first) return;
    const hasPattern = list.declarations.some((d) => !ts.isIdentifier(d.name));
    this.edits.push({ pos: node.getStart(), end: first.getStart(), text: hasPattern ? ';(' : '' });
    for (const declaration of list.declarations) {
      for (const name of this.bindingNames(declaration.name)) this.globals.add(name);
      const typeEnd = declaration.type?.end ?? declaration.exclamationToken?.end;
      if (typeEnd !== undefined) this.edits.push({ pos: declaration.name.end, end: typeEnd, text: '' });
      if (!declaration.initializer && !isVar) this.insert(declaration.end, ' = undefined');
    }
    if (hasPattern) this.insert(list.end, ')');
  }

  private importDeclaration(node: TS.ImportDeclaration): void {
    const ts = this.ts;
    const clause = node.importClause;
    const spec = node.moduleSpecifier.getText();
    if (clause?.isTypeOnly) return this.replaceKeepingLines(node, '');
    const parts: string[] = [];
    if (!clause) parts.push(`require(${spec})`);
    if (clause?.name) {
      this.globals.add(clause.name.text);
      parts.push(`${clause.name.text} = ${IMPORT_DEFAULT_HELPER}(require(${spec}))`);
    }
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) {
      this.globals.add(bindings.name.text);
      parts.push(`${bindings.name.text} = require(${spec})`);
    } else if (bindings && ts.isNamedImports(bindings)) {
      const named = bindings.elements.filter((e) => !e.isTypeOnly);
      for (const e of named) this.globals.add(e.name.text);
      if (named.length > 0) {
        const fields = named.map((e) => (e.propertyName ? `${e.propertyName.getText()}: ${e.name.text}` : e.name.text));
        parts.push(`({ ${fields.join(', ')} } = require(${spec}))`);
      }
    }
    this.replaceKeepingLines(node, parts.length > 0 ? `;${parts.join('; ')};` : '');
  }

  private bindingNames(name: TS.BindingName): string[] {
    if (this.ts.isIdentifier(name)) return [name.text];
    const names: string[] = [];
    for (const element of name.elements) {
      if (!this.ts.isOmittedExpression(element)) names.push(...this.bindingNames(element.name));
    }
    return names;
  }

  private hasModifier(node: TS.Node, kind: TS.SyntaxKind): boolean {
    const modifiers = this.ts.canHaveModifiers(node) ? this.ts.getModifiers(node) : undefined;
    return modifiers?.some((m) => m.kind === kind) ?? false;
  }

  private removeModifiers(node: TS.Node, kinds: TS.SyntaxKind[]): void {
    const modifiers = this.ts.canHaveModifiers(node) ? this.ts.getModifiers(node) : undefined;
    for (const m of modifiers ?? []) {
      if (kinds.includes(m.kind)) this.edits.push({ pos: m.getStart(), end: m.end, text: '' });
    }
  }

  private insert(pos: number, text: string): void {
    this.edits.push({ pos, end: pos, text });
  }

  /** Replaces a statement, keeping its line breaks so later lines keep their numbers. */
  private replaceKeepingLines(node: TS.Node, text: string): void {
    const start = node.getStart();
    const breaks = this.file.text.slice(start, node.end).replace(/[^\n]/g, '');
    this.edits.push({ pos: start, end: node.end, text: text + breaks });
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function positionOf(starts: number[], offset: number): { line: number; column: number } {
  let line = 0;
  while (line + 1 < starts.length && (starts[line + 1] ?? Infinity) <= offset) line++;
  return { line: line + 1, column: offset - (starts[line] ?? 0) + 1 };
}
