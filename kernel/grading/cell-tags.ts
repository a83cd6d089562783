import type { Cell } from '../notebook/nbformat';

/** Cell tags as Jupyter tools (nbclient, papermill) read them. */
export const TAG = {
  raisesException: 'raises-exception',
  skipExecution: 'skip-execution',
  parameters: 'parameters',
  injectedParameters: 'injected-parameters',
} as const;

export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

export function hasTag(cell: Cell, tag: string): boolean {
  return cellTags(cell).includes(tag);
}

/** An nbgrader-graded cell: `metadata.nbgrader = { grade: true, grade_id, points }`. */
export interface GradedCell {
  gradeId: string;
  points: number;
}

export function gradedCell(cell: Cell, fallbackId: string): GradedCell | undefined {
  const nbgrader = cell.metadata.nbgrader;
  if (typeof nbgrader !== 'object' || nbgrader === null) return undefined;
  const { grade, grade_id: gradeId, points } = nbgrader as Record<string, unknown>;
  if (grade !== true) return undefined;
  const value = typeof points === 'number' ? points : typeof points === 'string' ? Number(points) : 0;
  return {
    gradeId: typeof gradeId === 'string' && gradeId !== '' ? gradeId : fallbackId,
    points: Number.isFinite(value) && value > 0 ? value : 0,
  };
}
