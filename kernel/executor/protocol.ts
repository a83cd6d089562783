/**
 * The messages between ExecutorClient (kernel process) and the executor child
 * over the Node IPC channel. Everything here is plain JSON.
 */
import type { MimeBundle, Metadata } from '../interpreter/mime';
import type { CellOutcome, ExpressionResult } from '../interpreter/outcome';
import type { Completeness, CompletionResult, InspectionResult } from '../interpreter/interpreter';
import type { CommMessage, OpenComm } from '../interpreter/comm';
import type { SettingName } from '../base/settings';

/** Environment variable carrying the per-child nonce used in fence markers. */
export const FENCE_NONCE_ENV: SettingName = 'SOCKBOOK_EXECUTOR_FENCE';

/**
 * A fence is written to fd 1 and fd 2 before an event is sent over IPC, so the
 * client can put the event in its place among the bytes read from the pipes.
 */
export function fenceMarker(nonce: string, fence: number): string {
  return `\u0000sockbook-fence:${nonce}:${fence}\u0000`;
}

/** What a running cell shows; each one travels with a fence number. */
export type CellEvent =
  | { kind: 'display'; data: MimeBundle; metadata: Metadata; displayId?: string }
  | { kind: 'update'; displayId: string; data: MimeBundle; metadata: Metadata }
  | { kind: 'clear'; wait: boolean }
  | { kind: 'result'; data: MimeBundle; metadata: Metadata }
  | { kind: 'input'; requestId: number; prompt: string; password: boolean }
  /** A comm message of the cells' side; `origin` is the request (a cell, or a frontend's comm message) it came from. */
  | { kind: 'comm'; origin?: number; comm: CommMessage };

export type ClientRequest =
  /**
   * `debugPath`: the debugger is started, and the cell runs as this file (its dumped path) with the cell's own line numbers.
   * `msgId`: the execute_request's msg_id (what its outputs are parented to).
   */
  | { type: 'execute'; id: number; code: string; cellName: string; cwd: string; debugPath?: string; msgId?: string }
  | { type: 'expressions'; id: number; expressions: Record<string, string> }
  | { type: 'complete'; id: number; code: string; cursorPos: number }
  | { type: 'inspect'; id: number; code: string; cursorPos: number; detailLevel: number }
  | { type: 'isComplete'; id: number; code: string }
  /** A frontend's comm message, for the comm or target the cells registered. */
  | { type: 'comm'; id: number; comm: CommMessage; msgId?: string }
  | { type: 'openComms'; id: number; targetName?: string }
  /** Starts the debugger's relay (an inspector session on a worker thread of the child) if not yet started. */
  | { type: 'debugRelay'; id: number };

/** The reply each request type gets. */
export interface ReplyTypes {
  execute: CellOutcome;
  expressions: Record<string, ExpressionResult>;
  complete: CompletionResult;
  inspect: InspectionResult;
  isComplete: Completeness;
  comm: null;
  openComms: OpenComm[];
  /** The Unix socket the relay listens on, as a path in the child's file system. */
  debugRelay: { socketPath: string };
}

export type InputReply =
  | { type: 'inputReply'; requestId: number; ok: true; value: string }
  | { type: 'inputReply'; requestId: number; ok: false; name: string; message: string };

/** Stop the cell of execute request `id` if it is still running (sent instead of SIGINT outside its synchronous part). */
export interface InterruptRequest {
  type: 'interrupt';
  id: number;
}

/** A SIGINT reached the child's JavaScript (its listener ran, or it stopped a synchronous part). */
export interface InterruptSeen {
  type: 'interruptSeen';
}

/**
 * The cell's synchronous part starts or ends. Only while it runs is SIGINT needed (vm's watchdog stops it);
 * outside it an interrupt goes over IPC, because Node takes SIGINT back to its default (fatal) action for a
 * moment as that watchdog is set up and taken down.
 */
export interface PhaseChange {
  type: 'phase';
  phase: 'sync' | 'async';
}

export type ClientMessage = ClientRequest | InputReply | InterruptRequest;

export type ChildMessage =
  | { type: 'ready' }
  /** `fence` orders the event after the fd output written before it. */
  | { type: 'event'; fence: number; event: CellEvent }
  /** Replies to execute are fenced too: the cell ends when its output has been read. */
  | { type: 'reply'; id: number; fence?: number; result: ReplyTypes[keyof ReplyTypes] }
  | { type: 'failed'; id: number; message: string }
  | InterruptSeen
  | PhaseChange
  /** The type checker was loaded or unloaded: while it is not loaded, the kernel answers completion from its own table. */
  | { type: 'checker'; loaded: boolean };
