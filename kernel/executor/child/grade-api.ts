import { checkAnnotation, type CheckResult } from '../../display/check';
import type { CellEvent } from '../protocol';

/** The `grade` built-in: test results of a graded cell, each shown in the cell and counted by `sockbook run`. */
export interface Grade {
  check(name: string, condition: unknown, points?: number, message?: string): boolean;
}

/** The `grade` built-in, sending each check as a display through `emit`. */
export function createGrade(emit: (event: CellEvent) => void): Grade {
  return {
    check(name: unknown, condition: unknown, points: unknown = 1, message: unknown = ''): boolean {
      if (typeof name !== 'string' || name.trim() === '') throw new TypeError('grade.check() takes a name: grade.check(name, condition, points, message)');
      if (typeof points !== 'number' || !Number.isFinite(points) || points < 0) {
        throw new TypeError(`grade.check(${JSON.stringify(name)}, …): points must be a number ≥ 0, not ${String(points)}`);
      }
      const check: CheckResult = { name, passed: Boolean(condition), points, message: message === undefined ? '' : String(message) };
      const { data, metadata } = checkAnnotation(check);
      emit({ kind: 'display', data, metadata });
      return check.passed;
    },
  };
}
