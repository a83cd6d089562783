/**
 * The Jupyter debug protocol (JEP 47) as the interpreter sees it: each
 * debug_request carries one Debug Adapter Protocol request, answered by one
 * response; events (stopped, continued, output) go out on iopub whenever
 * they happen. Plain JSON, so the session passes them through untouched.
 */
export type DebugJson = null | boolean | number | string | DebugJson[] | { [key: string]: DebugJson };
export type DebugBody = { [key: string]: DebugJson };

export interface DebugRequest {
  seq: number;
  type: 'request';
  command: string;
  arguments?: DebugBody;
}

export interface DebugResponse {
  seq: number;
  type: 'response';
  request_seq: number;
  success: boolean;
  command: string;
  message?: string;
  body?: DebugBody;
}

export interface DebugEvent {
  seq: number;
  type: 'event';
  event: string;
  body?: DebugBody;
}

/** Publishes one event on iopub. */
export type EmitDebugEvent = (event: DebugEvent) => void;

/** The response of an interpreter that has no debugger. */
export function debuggerMissing(request: DebugRequest, why: string): DebugResponse {
  return { seq: 0, type: 'response', request_seq: request.seq, success: false, command: request.command, message: why };
}
