import { randomBytes } from 'node:crypto';
import type { MimeBundle, Metadata } from '../interpreter/output-sink';
import { isJsonObject } from '../wire/json';

/** nbformat 4.5 shapes, as far as sockbook reads and writes them. */
export type MultilineString = string | string[];

export type Output =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: MultilineString }
  | { output_type: 'display_data'; data: MimeBundle; metadata: Metadata }
  | { output_type: 'execute_result'; data: MimeBundle; metadata: Metadata; execution_count: number | null }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export interface CodeCell {
  cell_type: 'code';
  id: string;
  metadata: Metadata;
  source: MultilineString;
  outputs: Output[];
  execution_count: number | null;
}

export interface OtherCell {
  cell_type: 'markdown' | 'raw';
  id: string;
  metadata: Metadata;
  source: MultilineString;
  attachments?: Record<string, unknown>;
}

export type Cell = CodeCell | OtherCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Metadata;
  cells: Cell[];
}

export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join('') : source;
}

/** Splits text into lines that keep their `\n`, as Jupyter saves multiline strings. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function newCellId(): string {
  return randomBytes(4).toString('hex');
}

/** A notebook that sockbook refuses to run: what is wrong and where. */
export class NotebookFormatError extends Error {
  override readonly name = 'NotebookFormatError';
}

const isMultiline = (value: unknown): value is MultilineString =>
  typeof value === 'string' || (Array.isArray(value) && value.every((line) => typeof line === 'string'));

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list with something other than strings';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

const OUTPUT_TYPES = new Set(['stream', 'display_data', 'execute_result', 'error']);

function checkCell(raw: unknown, where: string): Cell {
  if (!isJsonObject(raw)) throw new NotebookFormatError(`${where} is not an object`);
  const type = raw.cell_type;
  if (type !== 'code' && type !== 'markdown' && type !== 'raw') {
    throw new NotebookFormatError(`${where} has cell_type ${describe(type)}; expected "code", "markdown" or "raw"`);
  }
  if (!isMultiline(raw.source)) throw new NotebookFormatError(`${where}: source must be a string or a list of strings, not ${describe(raw.source)}`);
  if (raw.metadata !== undefined && !isJsonObject(raw.metadata)) throw new NotebookFormatError(`${where}: metadata must be an object`);
  const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : newCellId();
  const metadata = (raw.metadata ?? {}) as Metadata;
  if (type !== 'code') return { ...raw, cell_type: type, id, metadata, source: raw.source };
  const outputs = raw.outputs ?? [];
  if (!Array.isArray(outputs) || !outputs.every((o) => isJsonObject(o) && OUTPUT_TYPES.has(o.output_type as string))) {
    throw new NotebookFormatError(`${where}: outputs must be a list of nbformat outputs`);
  }
  const count = raw.execution_count ?? null;
  if (count !== null && !Number.isInteger(count)) throw new NotebookFormatError(`${where}: execution_count must be an integer or null`);
  return { ...raw, cell_type: 'code', id, metadata, source: raw.source, outputs: outputs as Output[], execution_count: count as number | null };
}

/**
 * Reads a notebook, refusing (NotebookFormatError) what is not one: not
 * JSON, not nbformat 4, a cell whose source is not text, outputs that are not
 * outputs. Gives ids to cells that lack them (4.5). Unknown fields are kept.
 */
export function parseNotebook(text: string, name: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new NotebookFormatError(`${name}: not JSON (${(error as Error).message})`);
  }
  if (!isJsonObject(raw)) throw new NotebookFormatError(`${name}: not a notebook (the JSON is not an object)`);
  if (raw.nbformat !== 4) throw new NotebookFormatError(`${name}: not an nbformat 4 notebook (nbformat is ${describe(raw.nbformat)})`);
  if (!Array.isArray(raw.cells)) throw new NotebookFormatError(`${name}: not an nbformat 4 notebook (no list of cells)`);
  if (raw.metadata !== undefined && !isJsonObject(raw.metadata)) throw new NotebookFormatError(`${name}: metadata must be an object`);
  const minor = typeof raw.nbformat_minor === 'number' ? raw.nbformat_minor : 5;
  const cells = raw.cells.map((cell, i) => {
    try {
      return checkCell(cell, `cell ${i + 1}`);
    } catch (error) {
      throw new NotebookFormatError(`${name}: ${(error as Error).message}`);
    }
  });
  return { ...raw, nbformat: 4, nbformat_minor: Math.max(5, minor), metadata: (raw.metadata ?? {}) as Metadata, cells };
}

/** Serializes like Jupyter does (1-space indent, multiline strings as line lists, trailing newline). */
export function serializeNotebook(nb: Notebook): string {
  const lines = (value: MultilineString): string[] => splitLines(joinSource(value));
  const cells = nb.cells.map((cell) => {
    if (cell.cell_type !== 'code') return { ...cell, source: lines(cell.source) };
    const outputs = cell.outputs.map((o) => {
      if (o.output_type === 'stream') return { ...o, text: lines(o.text) };
      if (o.output_type === 'error') return o;
      const data = Object.fromEntries(
        Object.entries(o.data).map(([mime, value]) => [mime, typeof value === 'string' && mime !== 'application/json' ? lines(value) : value]),
      );
      return { ...o, data };
    });
    return { ...cell, source: lines(cell.source), outputs };
  });
  return JSON.stringify({ ...nb, cells }, null, 1) + '\n';
}
