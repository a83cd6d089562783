import type { IopubContent, IopubType, Received, ReplyContent, ReplyType, RequestType } from '../wire/content';
import type { JsonMap } from '../wire/json';
import type { Message } from '../wire/message';
import type { RoutedChannel } from '../transport/channels';
import type { Interpreter } from '../interpreter/interpreter';
import type { HistoryStore } from './history';

/** What a handler gets for one request: the message, its content read and typed, and ways to answer it. */
export interface Request<T extends RequestType = RequestType> {
  readonly channel: RoutedChannel;
  readonly message: Message;
  readonly content: Received<T>;
  /** Arrival order among shell requests (for stop_on_error aborts). */
  readonly sequence: number;
  /** Sends `<type>` on the request's channel, to its sender, with the request as parent. */
  reply<R extends ReplyType>(msgType: R, content: ReplyContent[R]): Promise<void>;
  /** Publishes on iopub with the request as parent. */
  publish<P extends IopubType>(msgType: P, content: IopubContent[P], metadata?: JsonMap): Promise<void>;
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
  /** A shutdown_request is taken: nothing new starts from now on, and the running cell is interrupted. */
  beginShutdown(): void;
  askInput(request: Request, prompt: string, password: boolean): Promise<string>;
  /** Ends the kernel process after the reply is sent. */
  shutdown(restart: boolean): Promise<void>;
  log(text: string): void;
}

export type Handler<T extends RequestType> = (request: Request<T>, kernel: KernelContext) => Promise<void>;

/** msg_type → handler, for one channel. */
export type HandlerTable = { readonly [T in RequestType]?: Handler<T> };
