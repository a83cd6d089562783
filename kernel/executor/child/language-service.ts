import * as path from 'node:path';
import process from 'node:process';
import type * as TS from 'typescript';
import type { CompletionResult } from '../../interpreter/interpreter';
import { NodeDeclarations } from './node-declarations';
import { typescript } from './typescript';

/** One earlier cell: its top-level declarations, kept as context for later cells. */
interface CellDeclarations {
  statements: Array<{ text: string; names: string[] }>;
  names: Set<string>;
}

/** The virtual file the service sees: earlier cells' declarations, then the cell. */
interface VirtualCell {
  fileName: string;
  offset: number;
}

const MAX_DIAGNOSTICS = 10;

/**
 * A TypeScript LanguageService over the notebook: the cell being asked about
 * is checked, completed or explained with the declarations of the cells run
 * before it (only the latest declaration of each name is kept, as re-running
 * a cell replaces it) and the built-ins' declarations.
 */
export class NotebookLanguage {
  private readonly cells: CellDeclarations[] = [];
  private readonly files = new Map<string, { text: string; version: number }>();
  private readonly diskSnapshots = new Map<string, TS.IScriptSnapshot | undefined>();
  private readonly nodeDeclarations = new NodeDeclarations();
  private service: TS.LanguageService | undefined;

  constructor(private readonly builtinDeclarations: string) {}

  /** Records a cell that ran, so later cells see its declarations. */
  addCell(code: string): void {
    const ts = typescript();
    const file = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.ES2022, true);
    const statements = file.statements
      .map((s) => ({ text: s.getFullText(file), names: declaredNames(ts, s) }))
      .filter((s) => s.names.length > 0);
    this.cells.push({ statements, names: new Set(statements.flatMap((s) => s.names)) });
  }

  /** Type errors of `code`, as `cell[3]:2:5 - error TS2322: …` lines. */
  diagnostics(code: string, cellName: string): string[] {
    const ts = typescript();
    const cell = this.update(code);
    const found = this.languageService()
      .getSemanticDiagnostics(cell.fileName)
      .filter((d) => d.start !== undefined && d.start >= cell.offset && d.category === ts.DiagnosticCategory.Error);
    const lines = found.slice(0, MAX_DIAGNOSTICS).map((d) => {
      const at = (d.start ?? 0) - cell.offset;
      const before = code.slice(0, at);
      const line = before.split('\n').length;
      const column = at - before.lastIndexOf('\n');
      return `${cellName}:${line}:${column} - error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    if (found.length > MAX_DIAGNOSTICS) lines.push(`… and ${found.length - MAX_DIAGNOSTICS} more type errors`);
    return lines;
  }

  complete(code: string, cursorPos: number): CompletionResult {
    const cell = this.update(code);
    let start = cursorPos;
    while (start > 0 && /[\w$]/.test(code[start - 1] ?? '')) start--;
    const prefix = code.slice(start, cursorPos);
    const completions = this.languageService().getCompletionsAtPosition(cell.fileName, cell.offset + cursorPos, {});
    const entries = (completions?.entries ?? [])
      .filter((e) => e.name.startsWith(prefix))
      .sort((a, b) => (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : a.name.localeCompare(b.name)));
    return {
      matches: entries.map((e) => e.name),
      cursorStart: start,
      cursorEnd: cursorPos,
      metadata: {
        _jupyter_types_experimental: entries.map((e) => ({ start, end: cursorPos, text: e.name, type: e.kind })),
      },
    };
  }

  /** Type and documentation of the name at (or just before) the cursor. */
  quickInfo(code: string, cursorPos: number): string | undefined {
    const ts = typescript();
    const cell = this.update(code);
    const service = this.languageService();
    let info = service.getQuickInfoAtPosition(cell.fileName, cell.offset + cursorPos);
    if (!info && cursorPos > 0) info = service.getQuickInfoAtPosition(cell.fileName, cell.offset + cursorPos - 1);
    if (!info) return undefined;
    const parts = [ts.displayPartsToString(info.displayParts)];
    const doc = ts.displayPartsToString(info.documentation);
    if (doc) parts.push(doc);
    for (const tag of info.tags ?? []) parts.push(`@${tag.name} ${ts.displayPartsToString(tag.text)}`.trimEnd());
    return parts.join('\n\n');
  }

  /** Builds the service ahead of time (loading the lib and Node declarations takes about a second). */
  warm(): void {
    this.diagnostics('', 'warm-up');
  }

  private update(code: string): VirtualCell {
    const directory = process.cwd();
    const fileName = path.join(directory, '__sockbook_cell__.ts');
    const current = new Set(declaredNamesOfCode(code));
    const kept: string[] = [];
    const later = new Set(current);
    for (let i = this.cells.length - 1; i >= 0; i--) {
      const cell = this.cells[i];
      if (!cell) continue;
      const texts = cell.statements.filter((s) => !s.names.some((n) => later.has(n))).map((s) => s.text);
      kept.unshift(texts.join('\n'));
      for (const name of cell.names) later.add(name);
    }
    const context = kept.filter((t) => t.trim()).join('\n');
    const text = `${context}\n${code}`;
    this.setFile(fileName, text);
    const imported = typescript().preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
    this.nodeDeclarations.addNeededBy(imported, text);
    this.setFile(path.join(directory, '__sockbook_builtins__.d.ts'), this.builtinDeclarations);
    return { fileName, offset: context.length + 1 };
  }

  private setFile(fileName: string, text: string): void {
    const existing = this.files.get(fileName);
    if (existing?.text === text) return;
    this.files.set(fileName, { text, version: (existing?.version ?? 0) + 1 });
  }

  private languageService(): TS.LanguageService {
    if (this.service) return this.service;
    const ts = typescript();
    const options: TS.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      // Every cell is a module, so top-level await type-checks.
      moduleDetection: ts.ModuleDetectionKind.Force,
      strict: true,
      noImplicitAny: false,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      lib: ['lib.es2023.d.ts'],
      // Not all of @types/node: NodeDeclarations chooses the files (the globals and what cells import).
      types: [],
    };
    const host: TS.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [
        ...this.nodeDeclarations.files(),
        ...[...this.files.keys()].filter((f) => f.startsWith(process.cwd() + path.sep)),
      ],
      getScriptVersion: (f) => String(this.files.get(f)?.version ?? 0),
      getScriptSnapshot: (f) => {
        const own = this.files.get(f);
        if (own) return ts.ScriptSnapshot.fromString(own.text);
        if (!this.diskSnapshots.has(f)) {
          const text = ts.sys.readFile(f);
          this.diskSnapshots.set(f, text === undefined ? undefined : ts.ScriptSnapshot.fromString(text));
        }
        return this.diskSnapshots.get(f);
      },
      getCurrentDirectory: () => process.cwd(),
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.files.has(f) || ts.sys.fileExists(f),
      readFile: (f) => this.files.get(f)?.text ?? ts.sys.readFile(f),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
    return this.service;
  }
}

function declaredNamesOfCode(code: string): string[] {
  const ts = typescript();
  const file = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.ES2022, true);
  return file.statements.flatMap((s) => declaredNames(ts, s));
}

/** Names a top-level statement declares (empty for statements that only act). */
function declaredNames(ts: typeof TS, statement: TS.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => bindingNames(ts, d.name));
  }
  if (
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isModuleDeclaration(statement) ||
    ts.isImportEqualsDeclaration(statement)
  ) {
    return statement.name && ts.isIdentifier(statement.name) ? [statement.name.text] : [];
  }
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    const names = clause?.name ? [clause.name.text] : [];
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.map((e) => e.name.text));
    return names;
  }
  return [];
}

function bindingNames(ts: typeof TS, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(ts, e.name)));
}
