import type { Completeness } from '../../interpreter/interpreter';
import { continuationIndent } from './continuation-indent';
import { CellSyntaxError, compileCell, type SyntaxProblem } from './cell-compiler';
import { rewriteMagicLines } from './magic-lines';

/** The offset in `code` of a 1-based line and column. */
function offsetOf(code: string, problem: SyntaxProblem): number {
  const lines = code.split('\n');
  let offset = 0;
  for (let i = 0; i < problem.line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  return offset + problem.column - 1;
}

/**
 * is_complete from the light parser, for while the type checker is still
 * loading (a console waits about a second for the answer): a cell that
 * parses is complete, one whose first problem is at its very end is waiting
 * for more, any other is invalid.
 */
export function lightCompleteness(code: string): Completeness {
  const rewritten = rewriteMagicLines(code);
  try {
    compileCell(rewritten, 'is_complete');
    return { status: 'complete' };
  } catch (error) {
    if (!(error instanceof CellSyntaxError)) return { status: 'unknown' };
    if (offsetOf(rewritten, error.problem) < rewritten.trimEnd().length) return { status: 'invalid' };
    return { status: 'incomplete', indent: continuationIndent(code) };
  }
}
