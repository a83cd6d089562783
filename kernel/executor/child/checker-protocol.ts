/**
 * The messages between the executor's main thread and its checker thread
 * (the TypeScript language service). Everything here is plain data.
 */
import type { Completeness, CompletionResult } from '../../interpreter/interpreter';
import type { SyntaxProblem } from './cell-compiler';

/** What the checker thread is asked, by request type, and what it answers. */
export interface CheckerCalls {
  /** A cell that runs: its type errors as lines; then its declarations join the context of later cells. */
  check: { args: { code: string; cellName: string }; result: string[] };
  complete: { args: { code: string; cursorPos: number }; result: CompletionResult };
  quickInfo: { args: { code: string; cursorPos: number }; result: string | undefined };
  isComplete: { args: { code: string }; result: Completeness };
  /** The TypeScript parser's own words for a cell the light parser rejected. */
  syntax: { args: { code: string }; result: SyntaxProblem[] };
}

export type CheckerCall = keyof CheckerCalls;

export type CheckerRequest = { [K in CheckerCall]: { id: number; type: K } & CheckerCalls[K]['args'] }[CheckerCall];

export type CheckerMessage =
  /** The compiler and the language service are loaded: questions are answered in milliseconds now. */
  | { type: 'loaded' }
  | { type: 'reply'; id: number; ok: true; result: CheckerCalls[CheckerCall]['result'] }
  | { type: 'reply'; id: number; ok: false; message: string };

/** What the checker thread starts with. */
export interface CheckerData {
  /** The built-ins' declarations (builtins-dts.ts). */
  declarations: string;
  /** Cells that ran before (a restarted checker learns them again). */
  cells: string[];
}
