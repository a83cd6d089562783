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
  /** Gradescope's visibility of its test: `metadata.sockbook.visibility`, else visible. */
  visibility: GradescopeVisibility;
  /** The cell's tags, passed on to Gradescope. */
  tags: string[];
}

export type GradescopeVisibility = 'visible' | 'hidden' | 'after_due_date' | 'after_published';
const VISIBILITIES: readonly string[] = ['visible', 'hidden', 'after_due_date', 'after_published'];

function visibilityOf(cell: Cell): GradescopeVisibility {
  const own = cell.metadata.sockbook;
  const value = typeof own === 'object' && own !== null ? (own as { visibility?: unknown }).visibility : undefined;
  return typeof value === 'string' && VISIBILITIES.includes(value) ? (value as GradescopeVisibility) : 'visible';
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
    visibility: visibilityOf(cell),
    tags: cellTags(cell),
  };
}
