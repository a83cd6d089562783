import type { CodeCell, Notebook } from '../notebook/nbformat';
import { newCellId, splitLines } from '../notebook/nbformat';
import { hasTag, TAG } from './cell-tags';

/** `-p NAME VALUE`, as papermill takes it. */
export interface Parameter {
  name: string;
  value: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Refuses a name that could not be both a TypeScript const and an environment variable. */
export function checkParameterName(name: string): void {
  if (!NAME.test(name)) throw new Error(`-p ${JSON.stringify(name)}: a parameter name is letters, digits and _, not starting with a digit`);
}

/** The TypeScript literal of a value: numbers as numbers, anything else as a JSON string. */
export function parameterLiteral(value: string): string {
  return NUMBER.test(value.trim()) && Number.isFinite(Number(value)) ? String(Number(value)) : JSON.stringify(value);
}

export function parameterSource(parameters: Parameter[]): string {
  return ['// Injected parameters', ...parameters.map((p) => `const ${p.name} = ${parameterLiteral(p.value)};`)].join('\n') + '\n';
}

/** The variables every command of the notebook gets. */
export function parameterEnvironment(parameters: Parameter[]): Record<string, string> {
  return Object.fromEntries(parameters.map((p) => [p.name, p.value]));
}

/**
 * Puts the parameters in a cell tagged injected-parameters, as papermill
 * does: in place of an earlier injected cell, else right after the first cell
 * tagged parameters, else at the top. Changes nb.
 */
export function injectParameters(nb: Notebook, parameters: Parameter[]): void {
  if (parameters.length === 0) return;
  const cell: CodeCell = {
    cell_type: 'code',
    id: newCellId(),
    metadata: { tags: [TAG.injectedParameters] },
    source: splitLines(parameterSource(parameters)),
    outputs: [],
    execution_count: null,
  };
  const earlier = nb.cells.findIndex((c) => hasTag(c, TAG.injectedParameters));
  if (earlier >= 0) {
    nb.cells[earlier] = cell;
    return;
  }
  const defaults = nb.cells.findIndex((c) => hasTag(c, TAG.parameters));
  nb.cells.splice(defaults + 1, 0, cell);
}
