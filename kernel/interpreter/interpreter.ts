import type { JsonMap } from '../base/json';
import type { CommMessage, OpenComm } from './comm';
import type { DebugRequest, DebugResponse, EmitDebugEvent } from './debug';
import type { MimeBundle } from './mime';
import type { OutputSink } from './output-sink';
import type { CellOutcome, CellRequest, ExpressionResult } from './outcome';

export interface CompletionResult {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  metadata?: JsonMap;
}

export interface InspectionResult {
  found: boolean;
  data: MimeBundle;
}

export type Completeness =
  | { status: 'complete' }
  | { status: 'incomplete'; indent: string }
  | { status: 'invalid' }
  | { status: 'unknown' };

/** What kernel_info_reply says about the language and the implementation that runs it. */
export interface LanguageFacts {
  implementation: string;
  implementationVersion: string;
  language: {
    name: string;
    version: string;
    mimetype: string;
    fileExtension: string;
    pygmentsLexer: string;
    /** A CodeMirror mode name, or {name, version} (the two forms of the messaging spec that every client reads). */
    codemirrorMode: string | { name: string; version: number };
  };
  banner: string;
  helpLinks: { text: string; url: string }[];
}

/**
 * What the session needs from whatever runs cells (xeus' "interpreter").
 * The session owns the wire, ordering, status and counting; the interpreter
 * owns meaning. Every method is required, so a wrapper cannot drop one by
 * leaving it out; `BaseInterpreter` (base-interpreter.ts) gives the defaults.
 */
export interface Interpreter {
  /** The language facts of kernel_info; cheap (loads no compiler), asked for on every kernel_info_request. */
  languageFacts(): LanguageFacts;
  /**
   * Runs one cell. Aborting `interrupt` interrupts it; the promise still settles.
   * Each shell of the kernel (the main one and every subshell) calls it for
   * one cell at a time, but shells call it at the same time as each other:
   * the interpreter itself orders what cannot run side by side.
   */
  execute(request: CellRequest, sink: OutputSink, interrupt: AbortSignal): Promise<CellOutcome>;
  /** user_expressions of execute_request, evaluated after the cell. */
  evaluateExpressions(expressions: Record<string, string>): Promise<Record<string, ExpressionResult>>;
  complete(code: string, cursorPos: number): Promise<CompletionResult>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectionResult>;
  isComplete(code: string): Promise<Completeness>;
  /**
   * A comm message from a frontend. What the kernel's side sends back (and
   * prints) goes through `sink`; the promise settles once it has been handled.
   * A comm the frontend opens to a target nobody has is closed through `sink`.
   * Aborting `interrupt` (the kernel's interrupt) stops waiting for a handler
   * still at work.
   */
  onComm(message: CommMessage, sink: OutputSink, interrupt?: AbortSignal): Promise<void>;
  /** The comms open now, for comm_info_request; only those of `targetName` when given. */
  openComms(targetName?: string): Promise<OpenComm[]>;
  /**
   * One Debug Adapter Protocol request of the Jupyter debug protocol (JEP 47).
   * Events, now or later (a cell stopping at a breakpoint), go to `emitEvent`.
   * Answered without waiting for any running cell: it comes on control.
   */
  debugRequest(request: DebugRequest, emitEvent: EmitDebugEvent): Promise<DebugResponse>;
  /** Whether kernel_info may announce the debugger (`"debugger"` in supported_features). */
  readonly hasDebugger: boolean;
  /** Called once the first kernel_info_reply is out: a chance to start slow parts (the TypeScript executor) early. */
  prepare(): void;
  /** Ends every process the interpreter started; with restart, gets ready to run cells again from a clean state. */
  shutdown(restart: boolean): Promise<void>;
}
