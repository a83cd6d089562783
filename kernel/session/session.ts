import type { Channels, OutgoingChannel, RoutedChannel } from '../transport/channels';
import { decodeMessage, encodeMessage, newHeader, WireError } from '../wire/codec';
import { DigestHistory } from '../wire/digest-history';
import type { ErrorReply, IopubContent, IopubType, ReplyContent, ReplyType, RequestType, StdinRequestContent } from '../wire/content';
import type { JsonMap } from '../wire/json';
import type { Header, JsonObject, Message } from '../wire/message';
import { isReceivedType, readContent } from '../wire/read-content';
import type { Signer } from '../wire/signer';
import { controlHandlers, shellHandlers } from './handlers';
import { errorReplyFor } from './error-reply';
import { HistoryStore } from './history';
import { InterruptLatch } from './interrupt-latch';
import type { Interpreter } from '../interpreter/interpreter';
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
  private readonly interrupts = new InterruptLatch();
  /** Set once a shutdown_request is taken: nothing starts after it. */
  private ending = false;
  private readonly stdin: StdinBroker;
  /** Signatures already received: a replayed message is dropped. */
  private readonly digests = new DigestHistory();

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
      message = decodeMessage(frames, this.options.signer, this.digests);
    } catch (error) {
      const reason = error instanceof WireError ? error.message : String(error);
      this.log(`dropped a message on ${channel}: ${reason}`);
      return;
    }
    const msgType = message.header.msg_type;
    if (channel === 'stdin') {
      if (msgType !== 'input_reply') return;
      const parent = message.parent_header.msg_id;
      if (!this.stdin.answer(parent, this.read('input_reply', message.content).value ?? '')) {
        this.log(`ignored an input_reply to ${String(parent)}: no open input_request has that msg_id`);
      }
      return;
    }
    const table = channel === 'shell' ? shellHandlers : controlHandlers;
    if (!handles(table, msgType)) {
      this.log(`ignored unknown ${channel} message type '${msgType}'`);
      return;
    }
    if (this.ending) {
      this.log(`ignored ${msgType} on ${channel}: the kernel is shutting down`);
      return;
    }
    this.dispatch(channel, message, msgType, table);
  }

  interrupt(): void {
    this.interrupts.interrupt();
    this.stdin.cancel(Object.assign(new Error('interrupted while waiting for input'), { name: 'KeyboardInterrupt' }));
  }

  /** The running shell request's interrupt (armed when its handling began, so none is lost before the cell starts). */
  beginCell(): AbortSignal {
    return this.interrupts.signal();
  }

  endCell(): void {}

  /** From now on nothing new starts; the running cell is interrupted, so it starts no further step. */
  beginShutdown(): void {
    this.ending = true;
    this.interrupt();
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
    let replied = false;
    const request: Request<T> = {
      channel,
      message,
      content: this.read(msgType, message.content),
      sequence,
      reply: (replyType, content) => {
        replied = true;
        return this.send(channel, message.identities, message, replyType, content);
      },
      publish: (iopubType, content, metadata) => this.publish(message, iopubType, content, metadata),
    };
    const failed = (error: unknown): Promise<void> => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.log(`${msgType} failed: ${text}`);
      const answer = replied ? undefined : errorReplyFor(msgType, error);
      return answer ? this.send(channel, message.identities, message, answer.replyType, answer.content) : Promise.resolve();
    };
    if (channel === 'control') void this.handle(request, handler, failed);
    else this.shellTail = this.shellTail.then(() => this.handle(request, handler, failed));
  }

  private async handle<T extends RequestType>(request: Request<T>, handler: Handler<T>, failed: (error: unknown) => Promise<void>): Promise<void> {
    // The kernel process ends right after shutdown; a cell started now could outlive the interpreter's shutdown.
    if (this.ending) return;
    const shell = request.channel === 'shell';
    if (shell) this.interrupts.arm();
    try {
      await this.publish(request.message, 'status', { execution_state: 'busy' });
      try {
        await handler(request, this);
      } catch (error) {
        await failed(error);
      }
      await this.publish(request.message, 'status', { execution_state: 'idle' });
    } finally {
      if (shell) this.interrupts.disarm();
    }
  }

  private askOnStdin(request: Request, content: StdinRequestContent['input_request']): { msgId: string; sent: Promise<void> } {
    const header = newHeader('input_request', this.id);
    return { msgId: header.msg_id, sent: this.send('stdin', request.message.identities, request.message, 'input_request', content, {}, header) };
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

  private send<C extends ReplyContent[ReplyType] | ErrorReply | IopubContent[IopubType] | StdinRequestContent['input_request']>(
    channel: OutgoingChannel,
    identities: Buffer[],
    parent: Message | null,
    msgType: string,
    content: C,
    metadata: JsonMap = {},
    header: Header = newHeader(msgType, this.id),
  ): Promise<void> {
    const message: Message<C> = {
      identities,
      header,
      parent_header: parent?.header ?? {},
      metadata,
      content,
      buffers: [],
    };
    return this.options.channels.send(channel, encodeMessage(message, this.options.signer));
  }
}
