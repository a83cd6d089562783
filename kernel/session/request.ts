import type { IopubContent, IopubType, Received, ReplyContent, ReplyType, RequestType, UsageReply } from '../wire/content';
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
  /** Arrival order among the requests of its shell (for stop_on_error aborts). */
  readonly sequence: number;
  /** Sends `<type>` on the request's channel, to its sender, with the request as parent. */
  reply<R extends ReplyType>(msgType: R, content: ReplyContent[R]): Promise<void>;
  /** Publishes on iopub with the request as parent. */
  publish<P extends IopubType>(msgType: P, content: IopubContent[P], metadata?: JsonMap): Promise<void>;
}

/** The kernel's subshells (JEP 91), created and deleted on the control channel. */
export interface Subshells {
  /** Starts a subshell with a queue of its own; returns its id. */
  create(): string;
  /** False when there is no such subshell. Its requests already queued still run. */
  delete(subshellId: string): boolean;
  list(): string[];
}

/** What every shell of the kernel shares. */
export interface KernelServices {
  readonly interpreter: Interpreter;
  readonly subshells: Subshells;
  /** Interrupts every shell's running cell and open input question. */
  interrupt(): void;
  /** The kernel's CPU and memory (its whole process tree) and the host's. */
  usage(): Promise<UsageReply>;
  /** Ends the kernel process after the reply is sent. */
  shutdown(restart: boolean): Promise<void>;
  /** A shutdown_request is taken: nothing new starts from now on, and the running cells are interrupted. */
  beginShutdown(): void;
  log(text: string): void;
}

/** The state handlers share: the kernel's, and that of the shell (main shell or subshell) the request is for. */
export interface KernelContext extends KernelServices {
  readonly history: HistoryStore;
  executionCount: number;
  /** This shell's requests that arrived up to this sequence number are aborted (stop_on_error). */
  abortThrough: number;
  /** Sequence number of the latest request this shell received. */
  readonly lastSequence: number;
  /** Starts a cell: returns the signal its interrupt aborts. */
  beginCell(): AbortSignal;
  askInput(request: Request, prompt: string, password: boolean): Promise<string>;
}

export type Handler<T extends RequestType> = (request: Request<T>, kernel: KernelContext) => Promise<void>;

/** msg_type → handler, for one channel. */
export type HandlerTable = { readonly [T in RequestType]?: Handler<T> };
