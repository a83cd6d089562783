import type { Channels, OutgoingChannel, RoutedChannel } from '../transport/channels';
import { decodeMessage, encodeMessage, newHeader, WireError } from '../wire/codec';
import type { IopubContent, IopubType, ReplyContent, ReplyType, RequestType, StdinRequestContent } from '../wire/content';
import type { JsonMap } from '../wire/json';
import type { JsonObject, Message } from '../wire/message';
import { isReceivedType, readContent } from '../wire/read-content';
import type { Signer } from '../wire/signer';
import { controlHandlers, shellHandlers } from './handlers';
import { HistoryStore } from './history';
import type { Interpreter } from '../interpreter/interpreter';
import { INPUT_INTERRUPTED, KeyboardInterrupt } from '../interpreter/keyboard-interrupt';
import type { Handler, HandlerTable, KernelContext, Request } from './request';
import { StdinBroker } from './stdin-broker';

export interface SessionOptions {
  channels: Channels;
  signer: Signer;
  interpreter: Interpreter;
  log(text: string): void;
  /** Called after shutdown_reply is sent. */
  onShutdown(restart: boolean): void;
}

function handles(table: HandlerTable, msgType: string): msgType is RequestType {
  return isReceivedType(msgType) && Object.hasOwn(table, msgType);
}

/**
 * Dispatch by msg_type, status around every request, the shell queue and the
 * state handlers share. Shell requests run one at a time in arrival order;
 * control requests run at once, even while a cell runs.
 */
export class Session implements KernelContext {
  readonly interpreter: Interpreter;
  readonly history = new HistoryStore();
  executionCount = 0;
  abortThrough = 0;
  lastSequence = 0;
  private readonly id = newHeader('', '').msg_id;
  private shellTail: Promise<void> = Promise.resolve();
  private cell: AbortController | null = null;
  /** Set once shutdown has begun: requests still queued then are not run. */
  private ending = false;
  private readonly stdin: StdinBroker;

  constructor(private readonly options: SessionOptions) {
    this.interpreter = options.interpreter;
    this.stdin = new StdinBroker((request, prompt, password) => this.askOnStdin(request, { prompt, password }));
  }

  log(text: string): void {
    this.options.log(text);
  }

  /** Announces the kernel (status: starting) and starts taking messages from the channels. */
  start(): void {
    void this.publish(null, 'status', { execution_state: 'starting' });
    this.options.channels.listen({
      frames: (channel, frames) => this.onFrames(channel, frames),
      subscribed: (topic) => void this.welcome(topic),
    });
  }

  /** Entry point for frames from the transport. Never throws: bad input is logged and dropped. */
  onFrames(channel: RoutedChannel, frames: Buffer[]): void {
    let message: Message;
    try {
      message = decodeMessage(frames, this.options.signer);
    } catch (error) {
      const reason = error instanceof WireError ? error.message : String(error);
      this.log(`dropped a message on ${channel}: ${reason}`);
      return;
    }
    const msgType = message.header.msg_type;
    if (channel === 'stdin') {
      if (msgType === 'input_reply') this.stdin.answer(this.read('input_reply', message.content).value ?? '');
      return;
    }
    const table = channel === 'shell' ? shellHandlers : controlHandlers;
    if (!handles(table, msgType)) {
      this.log(`ignored unknown ${channel} message type '${msgType}'`);
      return;
    }
    this.dispatch(channel, message, msgType, table);
  }

  interrupt(): void {
    this.cell?.abort();
    this.stdin.cancel(new KeyboardInterrupt(INPUT_INTERRUPTED));
  }

  beginCell(): AbortSignal {
    this.cell = new AbortController();
    return this.cell.signal;
  }

  endCell(): void {
    this.cell = null;
  }

  askInput(request: Request, prompt: string, password: boolean): Promise<string> {
    return this.stdin.ask(request, prompt, password);
  }

  async shutdown(restart: boolean): Promise<void> {
    this.ending = true;
    await this.options.channels.close();
    this.options.onShutdown(restart);
  }

  /** Reads a content for its msg_type; fields of the wrong type are logged and left to their defaults. */
  private read<T extends RequestType | 'input_reply'>(msgType: T, raw: JsonObject) {
    const { content, problems } = readContent(msgType, raw);
    for (const problem of problems) this.log(problem);
    return content;
  }

  private dispatch<T extends RequestType>(channel: RoutedChannel, message: Message, msgType: T, table: HandlerTable): void {
    const handler: Handler<T> | undefined = table[msgType];
    if (!handler) return;
    const sequence = channel === 'shell' ? ++this.lastSequence : 0;
    const request: Request<T> = {
      channel,
      message,
      content: this.read(msgType, message.content),
      sequence,
      reply: (replyType, content) => this.send(channel, message.identities, message, replyType, content),
      publish: (iopubType, content, metadata) => this.publish(message, iopubType, content, metadata),
    };
    if (channel === 'control') void this.handle(request, handler);
    else this.shellTail = this.shellTail.then(() => this.handle(request, handler));
  }

  private async handle<T extends RequestType>(request: Request<T>, handler: Handler<T>): Promise<void> {
    // The kernel process ends right after shutdown; a cell started now could outlive the interpreter's shutdown.
    if (this.ending) return;
    await this.publish(request.message, 'status', { execution_state: 'busy' });
    try {
      await handler(request, this);
    } catch (error) {
      this.log(`${request.message.header.msg_type} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    await this.publish(request.message, 'status', { execution_state: 'idle' });
  }

  private askOnStdin(request: Request, content: StdinRequestContent['input_request']): Promise<void> {
    return this.send('stdin', request.message.identities, request.message, 'input_request', content);
  }

  /** Publishes on iopub; a message of the kernel's own (no request behind it) has an empty parent header. */
  private publish<P extends IopubType>(parent: Message | null, msgType: P, content: IopubContent[P], metadata: JsonMap = {}): Promise<void> {
    const topic = Buffer.from(`kernel.${this.id}.${msgType}`);
    return this.send('iopub', [topic], parent, msgType, content, metadata);
  }

  /** iopub_welcome, on the subscribed topic itself so that it reaches the new subscriber whatever its prefix. */
  private welcome(topic: Buffer): Promise<void> {
    return this.send('iopub', [topic], null, 'iopub_welcome', { subscription: topic.toString('utf8') });
  }

  private send<C extends ReplyContent[ReplyType] | IopubContent[IopubType] | StdinRequestContent['input_request']>(
    channel: OutgoingChannel,
    identities: Buffer[],
    parent: Message | null,
    msgType: string,
    content: C,
    metadata: JsonMap = {},
  ): Promise<void> {
    const message: Message<C> = {
      identities,
      header: newHeader(msgType, this.id),
      parent_header: parent?.header ?? {},
      metadata,
      content,
      buffers: [],
    };
    return this.options.channels.send(channel, encodeMessage(message, this.options.signer));
  }
}
