import type { CommMessage } from './comm';
import type { Metadata, MimeBundle } from './mime';

// Kept so importers of the sink can name its bundle types from here too.
export type { Metadata, MimeBundle } from './mime';

/**
 * Where a running cell puts what the user sees. The session implements it on
 * top of iopub (honouring `silent`), `sockbook run` implements it for the
 * terminal. Cell code never talks to the wire directly.
 */
export interface OutputSink {
  /** True when the request allowed stdin (input_request may be sent). */
  readonly allowStdin: boolean;
  /**
   * The msg_id of the request this sink's messages are parented to, when it
   * has one: a widget's Output asks the frontend to capture what comes with it.
   */
  readonly parentMsgId?: string;
  stream(name: 'stdout' | 'stderr', text: string): void;
  /** display_data; with displayId the output can later be updated in place. */
  display(data: MimeBundle, metadata?: Metadata, displayId?: string): void;
  /** update_display_data for an earlier display with this id. */
  updateDisplay(displayId: string, data: MimeBundle, metadata?: Metadata): void;
  clearOutput(wait: boolean): void;
  executeResult(data: MimeBundle, metadata?: Metadata): void;
  /** Sends a comm message of the kernel's side to the frontend (a sink that has no frontend drops it). */
  comm?(message: CommMessage): void;
  /** input_request; resolves to the user's reply. Rejects with StdinNotAllowedError when !allowStdin. */
  input(prompt: string, password?: boolean): Promise<string>;
}

export class StdinNotAllowedError extends Error {
  constructor() {
    super('StdinNotImplementedError: input was requested, but this frontend does not support input requests.');
    this.name = 'StdinNotImplementedError';
  }
}
