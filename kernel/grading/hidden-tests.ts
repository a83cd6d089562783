import { toJsonMap } from '../base/json';
import type { Cell, CodeCell, Notebook } from '../notebook/nbformat';

interface NbgraderMark {
  gradeId?: string;
  grade: boolean;
  solution: boolean;
}

function nbgraderOf(cell: Cell): NbgraderMark | undefined {
  const nbgrader = cell.metadata.nbgrader;
  if (typeof nbgrader !== 'object' || nbgrader === null || Array.isArray(nbgrader)) return undefined;
  const { grade_id: gradeId, grade, solution } = nbgrader as Record<string, unknown>;
  return { gradeId: typeof gradeId === 'string' && gradeId !== '' ? gradeId : undefined, grade: grade === true, solution: solution === true };
}

/** An instructor's test: a graded cell that is not the student's answer. */
const isTest = (mark: NbgraderMark | undefined): mark is NbgraderMark & { gradeId: string } =>
  mark !== undefined && mark.grade && !mark.solution && mark.gradeId !== undefined;

/** What the merge did, for the run's log. */
export interface HiddenTestsMerge {
  replaced: string[];
  added: string[];
  /** grade_ids the student's notebook grades but the instructor's does not: not graded. */
  ungraded: string[];
}

function freshCopy(cell: Cell): Cell {
  const copy = JSON.parse(JSON.stringify(cell)) as Cell;
  // Marked so that feedback for the student can leave its source out.
  const own = copy.metadata.sockbook;
  copy.metadata.sockbook = { ...(typeof own === 'object' && own !== null && !Array.isArray(own) ? own : {}), hidden_test: true };
  if (copy.cell_type === 'code') {
    (copy as CodeCell).outputs = [];
    (copy as CodeCell).execution_count = null;
  }
  return copy;
}

/**
 * Puts the instructor's hidden tests into a student's notebook (changes
 * `student`): each graded test cell of the instructor's notebook (nbgrader
 * `grade: true`, not a solution) replaces the student's cell of the same
 * grade_id, or, where the student deleted it, is added after the student's
 * cell matching the instructor's cell before it (by grade_id, else by cell
 * id), in the instructor's order. The student's solution cells are kept. The
 * instructor's notebook decides what is graded and for how many points: a
 * student's graded cell takes the instructor's nbgrader metadata, and one the
 * instructor's notebook does not grade is not graded.
 */
export function mergeHiddenTests(student: Notebook, instructor: Notebook): HiddenTestsMerge {
  const merge: HiddenTestsMerge = { replaced: [], added: [], ungraded: [] };
  const instructorGraded = new Map<string, Cell>();
  for (const cell of instructor.cells) {
    const mark = nbgraderOf(cell);
    if (mark?.grade && mark.gradeId !== undefined && !instructorGraded.has(mark.gradeId)) instructorGraded.set(mark.gradeId, cell);
  }
  // Where each instructor cell is in the student's notebook, found by grade_id, else by id.
  const position = (cell: Cell): number => {
    const id = nbgraderOf(cell)?.gradeId;
    if (id !== undefined) {
      const at = student.cells.findIndex((c) => nbgraderOf(c)?.gradeId === id);
      if (at >= 0) return at;
    }
    return student.cells.findIndex((c) => c.id === cell.id);
  };
  let anchor = -1;
  for (const cell of instructor.cells) {
    const mark = nbgraderOf(cell);
    const at = position(cell);
    if (isTest(mark)) {
      if (at >= 0) {
        student.cells[at] = freshCopy(cell);
        merge.replaced.push(mark.gradeId);
        anchor = at;
      } else {
        student.cells.splice(anchor + 1, 0, freshCopy(cell));
        anchor += 1;
        merge.added.push(mark.gradeId);
      }
    } else if (at > anchor) {
      anchor = at;
    }
  }
  // The instructor decides what is graded, and for how much.
  for (const cell of student.cells) {
    const mark = nbgraderOf(cell);
    if (!mark?.grade) continue;
    const own = mark.gradeId === undefined ? undefined : instructorGraded.get(mark.gradeId);
    const nbgrader = cell.metadata.nbgrader as Record<string, unknown>;
    if (own === undefined) {
      cell.metadata.nbgrader = toJsonMap({ ...nbgrader, grade: false });
      merge.ungraded.push(mark.gradeId ?? `cell ${cell.id}`);
    } else {
      cell.metadata.nbgrader = toJsonMap({ ...(own.metadata.nbgrader as Record<string, unknown>) });
    }
  }
  return merge;
}
