import { SourceMap } from 'node:module';
import type * as Acorn from 'acorn';
import type * as Sucrase from 'sucrase';

/** A problem found by the parser, at a 1-based line and column of the cell. */
export interface SyntaxProblem {
  line: number;
  column: number;
  /** The TypeScript diagnostic code, when the TypeScript parser found it. */
  code?: number;
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

/** Thrown by compileCell for a cell that does not parse: nothing of it may run. */
export class CellSyntaxError extends Error {
  constructor(readonly problem: SyntaxProblem) {
    super(problem.message);
    this.name = 'SyntaxError';
  }
}

/** Name of the hidden global that turns a required module into an ES default import. */
export const IMPORT_DEFAULT_HELPER = '__sockbookImportDefault';

// Running a cell needs only the types stripped, not the compiler: sucrase (small, pure JavaScript) strips them
// and acorn parses the JavaScript for the rewrite. The TypeScript compiler is loaded by the checker alone.
let sucrase: typeof Sucrase | undefined;
let acorn: typeof Acorn | undefined;
const loadSucrase = (): typeof Sucrase => (sucrase ??= require('sucrase') as typeof Sucrase);
const loadAcorn = (): typeof Acorn => (acorn ??= require('acorn') as typeof Acorn);

const PARSE_OPTIONS: Acorn.Options = {
  ecmaVersion: 'latest',
  // Cells run as sloppy scripts (like Node's REPL) that may import, export and await at top level.
  sourceType: 'script',
  allowImportExportEverywhere: true,
  allowAwaitOutsideFunction: true,
  allowHashBang: true,
  // The final expression's range includes its parentheses: `({ a: 1 })` is returned whole.
  preserveParens: true,
};

/** The cell's types stripped (enums become objects); line numbers stay, and the map gives columns. */
function stripTypes(code: string): { js: string; map: SourceMap } {
  let out: Sucrase.TransformResult;
  try {
    out = loadSucrase().transform(code, {
      transforms: ['typescript'],
      // Modern syntax is left as written: Node runs it.
      disableESTransforms: true,
      // Every import binds a name later cells may use, and an import of nothing runs the module.
      keepUnusedImports: true,
      filePath: 'cell.ts',
      sourceMapOptions: { compiledFilename: 'cell.js' },
    });
  } catch (error) {
    throw new CellSyntaxError(problemOf(error, code));
  }
  const map = out.sourceMap ?? { version: 3, sources: [], names: [], mappings: '' };
  return { js: out.code, map: new SourceMap({ file: 'cell.js', sourceRoot: '', sourcesContent: [], ...map }) };
}

/** A parser's error (sucrase and acorn both give `pos`, the offset it is at) as a problem at a cell position. */
function problemOf(error: unknown, code: string, toCell?: (offset: number) => { line: number; column: number } | undefined): SyntaxProblem {
  const pos = (error as { pos?: unknown } | null)?.pos;
  const message = String((error as Error)?.message ?? error)
    .replace(/^Error transforming \S+: /, '')
    .replace(/\s*\(\d+:\d+\)$/, '');
  const offset = typeof pos === 'number' ? pos : code.length;
  const position = toCell?.(offset) ?? positionOf(lineStarts(code), Math.min(offset, code.length));
  return { ...position, message };
}

/**
 * Rewrites the cell so that its top-level declarations land on the global
 * object (so later cells see them and re-running a cell can declare them
 * again), wraps it in an async function (so `await` works at top level) whose
 * result is the final expression's value, and strips the types.
 */
/** Compiled cells by source text: re-running an unchanged cell skips the work (its output does not depend on the name). */
const compiledBySource = new Map<string, Omit<CompiledCell, 'name'>>();
const MAX_CACHED_CELLS = 200;

/**
 * With `wrapperLine`, the wrapper's opening text gets a line of its own
 * before the cell's first line, and the script is to run with line offset -1
 * (DEBUG_LINE_OFFSET): every line of the cell, the first included, then
 * starts at column 1 under its own number, so a debugger's breakpoint on
 * line N of the cell stops at the cell's statement, not in the wrapper.
 */
export function compileCell(code: string, name: string, { wrapperLine = false } = {}): CompiledCell {
  const key = wrapperLine ? `\u0000${code}` : code;
  let compiled = compiledBySource.get(key);
  if (compiled) {
    compiledBySource.delete(key); // most recently used last
  } else {
    compiled = compileSource(code, wrapperLine);
    if (compiledBySource.size >= MAX_CACHED_CELLS) compiledBySource.delete(compiledBySource.keys().next().value as string);
  }
  compiledBySource.set(key, compiled);
  return { name, ...compiled };
}

/** The vm line offset of a cell compiled with `wrapperLine`. */
export const DEBUG_LINE_OFFSET = -1;

/** A TypeScript expression (user_expressions) as JavaScript. */
export function compileExpression(expression: string): string {
  return stripTypes(`(${expression}\n)`).js;
}

function compileSource(code: string, wrapperLine = false): Omit<CompiledCell, 'name'> {
  const stripped = stripTypes(code);
  const strippedLines = lineStarts(stripped.js);
  const cellLines = lineStarts(code);
  /** A 1-based line and column of the stripped JavaScript, in the cell. */
  const strippedToCell = (line: number, column: number) => {
    const entry = stripped.map.findEntry(line - 1, column - 1) as { originalLine?: number; originalColumn?: number };
    if (entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    // The map has one entry per token: a position inside a token keeps its distance from the token's start.
    const generatedColumn = (entry as { generatedColumn?: number }).generatedColumn ?? column - 1;
    const sameLine = (entry as { generatedLine?: number }).generatedLine === line - 1;
    return { line: entry.originalLine + 1, column: entry.originalColumn + 1 + (sameLine ? column - 1 - generatedColumn : 0) };
  };
  let program: Acorn.Program;
  try {
    program = loadAcorn().parse(stripped.js, PARSE_OPTIONS);
  } catch (error) {
    throw new CellSyntaxError(problemOf(error, code, (offset) => {
      const at = positionOf(strippedLines, offset);
      return strippedToCell(at.line, at.column);
    }));
  }
  const rewrite = new CellRewrite(stripped.js, program, wrapperLine);
  const js = rewrite.apply();
  const jsLines = lineStarts(js);
  // Positions come as the running script reports them: with the wrapper's own line, one line less than in `js`.
  const lineShift = wrapperLine ? -DEBUG_LINE_OFFSET : 0;
  return {
    source: code,
    js,
    toCellPosition(reportedLine, column) {
      const line = reportedLine + lineShift;
      const start = jsLines[line - 1];
      if (start === undefined) return undefined;
      const offset = rewrite.toOriginalOffset(start + column - 1);
      if (offset === undefined) return undefined;
      const inStripped = positionOf(strippedLines, Math.min(offset, stripped.js.length));
      const position = strippedToCell(inStripped.line, inStripped.column);
      if (!position) return undefined;
      // Never past the end of the cell's line.
      const lineStart = cellLines[position.line - 1];
      if (lineStart === undefined) return positionOf(cellLines, code.length);
      const lineEnd = cellLines[position.line] ?? code.length + 1;
      return { line: position.line, column: Math.max(1, Math.min(position.column, lineEnd - lineStart)) };
    },
  };
}

interface Edit {
  pos: number;
  end: number;
  text: string;
  /** The async wrapper around the cell: positions in it have no place in the cell. */
  wrapper?: boolean;
}

/** Collects text edits on the cell's JavaScript and applies them. */
class CellRewrite {
  private readonly edits: Edit[] = [];
  /** Names declared with var/let/const/class/import: declared as `var` outside the wrapper. */
  private readonly globals = new Set<string>();
  /** Function declarations stay hoisted inside the wrapper and are copied to the global object first thing. */
  private readonly functions = new Set<string>();
  private sorted: Edit[] = [];

  constructor(
    private readonly text: string,
    private readonly program: Acorn.Program,
    private readonly wrapperLine = false,
  ) {}

  apply(): string {
    const statements = this.program.body;
    statements.forEach((statement, index) => {
      this.statement(statement, index === statements.length - 1);
    });
    const vars = this.globals.size > 0 ? `var ${[...this.globals].join(', ')}; ` : '';
    const hoisted = [...this.functions].map((f) => `globalThis.${f} = ${f}; `).join('');
    this.edits.unshift({ pos: 0, end: 0, text: `${vars}(async () => { ${hoisted}${this.wrapperLine ? '\n' : ''}`, wrapper: true });
    this.edits.push({ pos: this.text.length, end: this.text.length, text: '\n})()', wrapper: true });
    this.sorted = this.edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.pos - b.e.pos || a.i - b.i).map((x) => x.e);
    let out = '';
    let cursor = 0;
    for (const edit of this.sorted) {
      out += this.text.slice(cursor, edit.pos) + edit.text;
      cursor = Math.max(cursor, edit.end);
    }
    return out + this.text.slice(cursor);
  }

  /** Maps an offset in the rewritten text back to the stripped text (undefined inside the wrapper). */
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

  private statement(node: Acorn.Statement | Acorn.ModuleDeclaration, isLast: boolean): void {
    switch (node.type) {
      case 'VariableDeclaration':
        return this.variables(node);
      case 'FunctionDeclaration':
        if (node.id) this.functions.add(node.id.name);
        return;
      case 'ClassDeclaration':
        this.globals.add(node.id.name);
        this.insert(node.start, `${node.id.name} = `);
        this.insert(node.end, ';');
        return;
      case 'ImportDeclaration':
        return this.importDeclaration(node);
      case 'ExportNamedDeclaration':
        if (!node.declaration) return this.replaceKeepingLines(node, '');
        this.edits.push({ pos: node.start, end: node.declaration.start, text: '' });
        return this.statement(node.declaration, isLast);
      case 'ExportDefaultDeclaration': {
        const declaration = node.declaration;
        if ((declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id) {
          this.edits.push({ pos: node.start, end: declaration.start, text: '' });
          return this.statement(declaration as Acorn.FunctionDeclaration | Acorn.ClassDeclaration, isLast);
        }
        return this.replaceKeepingLines(node, '');
      }
      case 'ExportAllDeclaration':
        return this.replaceKeepingLines(node, '');
      case 'ExpressionStatement':
        if (isLast && !node.directive) {
          this.insert(node.expression.start, 'return (');
          this.insert(node.expression.end, ')');
        }
        return;
      default:
        return;
    }
  }

  /** `const a = 1, {b} = o` becomes `a = 1, ({b} = o)` with a, b declared as globals. */
  private variables(node: Acorn.VariableDeclaration): void {
    // `using` declarations keep their scope-bound disposal: left inside the wrapper.
    if (node.kind !== 'var' && node.kind !== 'let' && node.kind !== 'const') return;
    const first = node.declarations[0];
    const last = node.declarations[node.declarations.length - 1];
    if (!first || !last) return;
    const hasPattern = node.declarations.some((d) => d.id.type !== 'Identifier');
    this.edits.push({ pos: node.start, end: first.start, text: hasPattern ? ';(' : '' });
    for (const declaration of node.declarations) {
      for (const name of bindingNames(declaration.id)) this.globals.add(name);
      if (!declaration.init && node.kind !== 'var') this.insert(declaration.end, ' = undefined');
    }
    if (hasPattern) this.insert(last.end, ')');
  }

  private importDeclaration(node: Acorn.ImportDeclaration): void {
    const spec = this.text.slice(node.source.start, node.source.end);
    const parts: string[] = [];
    if (node.specifiers.length === 0) parts.push(`require(${spec})`);
    const fields: string[] = [];
    for (const specifier of node.specifiers) {
      const local = specifier.local.name;
      this.globals.add(local);
      if (specifier.type === 'ImportDefaultSpecifier') parts.push(`${local} = ${IMPORT_DEFAULT_HELPER}(require(${spec}))`);
      else if (specifier.type === 'ImportNamespaceSpecifier') parts.push(`${local} = require(${spec})`);
      else {
        const imported = this.text.slice(specifier.imported.start, specifier.imported.end);
        fields.push(imported === local ? local : `${imported}: ${local}`);
      }
    }
    if (fields.length > 0) parts.push(`({ ${fields.join(', ')} } = require(${spec}))`);
    this.replaceKeepingLines(node, parts.length > 0 ? `;${parts.join('; ')};` : '');
  }

  private insert(pos: number, text: string): void {
    this.edits.push({ pos, end: pos, text });
  }

  /** Replaces a statement, keeping its line breaks so later lines keep their numbers. */
  private replaceKeepingLines(node: Acorn.Node, text: string): void {
    const breaks = this.text.slice(node.start, node.end).replace(/[^\n]/g, '');
    this.edits.push({ pos: node.start, end: node.end, text: text + breaks });
  }
}

/** The names a binding pattern declares. */
function bindingNames(pattern: Acorn.Pattern): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p) => bindingNames(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e) => (e ? bindingNames(e) : []));
    case 'RestElement':
      return bindingNames(pattern.argument);
    case 'AssignmentPattern':
      return bindingNames(pattern.left);
    default:
      return [];
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
