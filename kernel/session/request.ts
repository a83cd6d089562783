import type { JsonObject, Message } from '../wire/message';
import type { RoutedChannel } from '../transport/channels';
import type { Interpreter } from '../interpreter/interpreter';
import type { HistoryStore } from './history';

/** What a handler gets for one request: the message and ways to answer it. */
export interface Request {
  readonly channel: RoutedChannel;
  readonly message: Message;
  /** Arrival order among shell requests (for stop_on_error aborts). */
  readonly sequence: number;
  /** Sends `<type>` on the request's channel, to its sender, with the request as parent. */
  reply(msgType: string, content: JsonObject): Promise<void>;
  /** Publishes on iopub with the request as parent. */
  publish(msgType: string, content: JsonObject, metadata?: JsonObject): Promise<void>;
}

/** The kernel state handlers share. */
export interface KernelContext {
  readonly interpreter: Interpreter;
  readonly history: HistoryStore;
  executionCount: number;
  /** Shell requests that arrived up to this sequence number are aborted (stop_on_error). */
  abortThrough: number;
  /** Sequence number of the latest shell request received. */
  readonly lastSequence: number;
  /** Interrupts the running cell, if any. */
  interrupt(): void;
  /** Starts a cell: returns the signal its interrupt aborts. */
  beginCell(): AbortSignal;
  endCell(): void;
  askInput(request: Request, prompt: string, password: boolean): Promise<string>;
  /** Ends the kernel process after the reply is sent. */
  shutdown(restart: boolean): Promise<void>;
  log(text: string): void;
}

export type Handler = (request: Request, kernel: KernelContext) => Promise<void>;
