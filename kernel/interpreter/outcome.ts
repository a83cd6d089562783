import type { MimeBundle } from './output-sink';

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

/** What running one cell came to; the session turns it into execute_reply. */
export type CellOutcome =
  | { status: 'ok'; payload?: PagerPayload[] }
  | ({ status: 'error' } & CellError);

/** What the session passes to the interpreter for one execute_request. */
export interface CellRequest {
  code: string;
  executionCount: number;
  silent: boolean;
  storeHistory: boolean;
  allowStdin: boolean;
}

/** user_expressions results, as execute_reply carries them. */
export type ExpressionResult =
  | { status: 'ok'; data: MimeBundle; metadata: Record<string, unknown> }
  | ({ status: 'error' } & CellError);
