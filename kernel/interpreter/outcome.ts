import type { Metadata, MimeBundle } from './mime';
import { CELL_INTERRUPTED, KEYBOARD_INTERRUPT } from './keyboard-interrupt';
import { errorHeader } from './traceback-colour';

/** A payload of execute_reply (the pager is the one sockbook uses). */
export interface PagerPayload {
  source: 'page';
  data: MimeBundle;
  start: number;
}

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** A cell or an expression that failed. */
export type ErrorOutcome = { status: 'error' } & CellError;

/** What running one cell came to; the session turns it into execute_reply. */
export type CellOutcome = { status: 'ok'; payload?: PagerPayload[] } | ErrorOutcome;

/** What the session passes to the interpreter for one execute_request. */
export interface CellRequest {
  code: string;
  executionCount: number;
  silent: boolean;
  storeHistory: boolean;
  allowStdin: boolean;
}

/** user_expressions results, as execute_reply carries them. */
export type ExpressionResult = { status: 'ok'; data: MimeBundle; metadata: Metadata } | ErrorOutcome;

/** The one way to make an error outcome; the traceback is the `ename: evalue` line (coloured) unless given. */
export function errorOutcome(ename: string, evalue: string, traceback: string[] = [errorHeader(ename, evalue)]): ErrorOutcome {
  return { status: 'error', ename, evalue, traceback };
}

/** The outcome of an interrupted cell. */
export function interruptOutcome(evalue: string = CELL_INTERRUPTED): ErrorOutcome {
  return errorOutcome(KEYBOARD_INTERRUPT, evalue);
}
