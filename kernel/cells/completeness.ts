import { cellMagicOf, planCell } from './plan-cell';

/** is_complete's answer for a cell that is not TypeScript. */
export type PlannedCompleteness = { status: 'complete' } | { status: 'incomplete'; indent: string };

/**
 * is_complete decided from the cell plan, as IPython decides it for what is
 * not Python: a cell magic goes on until a blank line ends it (so a console
 * takes C line by line), `!` lines, line magics and every other planned cell
 * are complete (running them shows any error). Undefined for TypeScript,
 * which only its parser can judge.
 */
export function plannedCompleteness(code: string): PlannedCompleteness | undefined {
  if (cellMagicOf(code)) {
    const lines = code.split('\n');
    const last = lines[lines.length - 1];
    return lines.length > 1 && last.trim() === '' ? { status: 'complete' } : { status: 'incomplete', indent: '' };
  }
  return planCell(code).kind === 'typescript' ? undefined : { status: 'complete' };
}
