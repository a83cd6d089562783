import { randomBytes } from 'node:crypto';
import type { MimeBundle, Metadata } from '../interpreter/output-sink';

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

/** Reads a notebook, checking the little that sockbook relies on; gives ids to cells that lack them (4.5). */
export function parseNotebook(text: string, name: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name}: not JSON (${(error as Error).message})`);
  }
  const nb = raw as Partial<Notebook>;
  if (!nb || nb.nbformat !== 4 || !Array.isArray(nb.cells)) throw new Error(`${name}: not an nbformat 4 notebook`);
  const cells = nb.cells.map((cell) => ({ ...cell, id: typeof cell.id === 'string' && cell.id ? cell.id : newCellId() }));
  return { nbformat: 4, nbformat_minor: Math.max(5, nb.nbformat_minor ?? 5), metadata: nb.metadata ?? {}, cells };
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
