import type { Channels, RoutedChannel } from '../transport/channels';
import { decodeMessage, encodeMessage, newHeader, WireError } from '../wire/codec';
import type { JsonObject, Message } from '../wire/message';
import type { Signer } from '../wire/signer';
import { controlHandlers, shellHandlers } from './handlers';
import { HistoryStore } from './history';
import type { Interpreter } from '../interpreter/interpreter';
import { INPUT_INTERRUPTED, KeyboardInterrupt } from '../interpreter/keyboard-interrupt';
import type { Handler, KernelContext, Request } from './request';
import { StdinBroker } from './stdin-broker';

export interface SessionOptions {
  channels: Channels;
  signer: Signer;
  interpreter: Interpreter;
  log(text: string): void;
  /** Called after shutdown_reply is sent. */
  onShutdown(restart: boolean): void;
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
  private readonly stdin: StdinBroker;

  constructor(private readonly options: SessionOptions) {
    this.interpreter = options.interpreter;
    this.stdin = new StdinBroker((request, prompt, password) =>
      this.send('stdin', request.message.identities, request.message, 'input_request', { prompt, password }),
    );
  }

  log(text: string): void {
    this.options.log(text);
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
    if (channel === 'stdin') {
      this.stdin.onReply(message);
      return;
    }
    const table = channel === 'shell' ? shellHandlers : controlHandlers;
    const handler = table[message.header.msg_type];
    if (!handler) {
      this.log(`ignored unknown ${channel} message type '${message.header.msg_type}'`);
      return;
    }
    if (channel === 'control') {
      void this.handle(this.makeRequest(channel, message, 0), handler);
      return;
    }
    const request = this.makeRequest(channel, message, ++this.lastSequence);
    this.shellTail = this.shellTail.then(() => this.handle(request, handler));
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
    await this.options.channels.close();
    this.options.onShutdown(restart);
  }

  private makeRequest(channel: RoutedChannel, message: Message, sequence: number): Request {
    return {
      channel,
      message,
      sequence,
      reply: (msgType, content) => this.send(channel, message.identities, message, msgType, content),
      publish: (msgType, content, metadata) => this.publish(message, msgType, content, metadata),
    };
  }

  private async handle(request: Request, handler: Handler): Promise<void> {
    await this.publish(request.message, 'status', { execution_state: 'busy' });
    try {
      await handler(request, this);
    } catch (error) {
      this.log(`${request.message.header.msg_type} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    await this.publish(request.message, 'status', { execution_state: 'idle' });
  }

  private publish(parent: Message, msgType: string, content: JsonObject, metadata: JsonObject = {}): Promise<void> {
    const topic = Buffer.from(`kernel.${this.id}.${msgType}`);
    return this.send('iopub', [topic], parent, msgType, content, metadata);
  }

  private send(
    channel: RoutedChannel | 'iopub',
    identities: Buffer[],
    parent: Message,
    msgType: string,
    content: JsonObject,
    metadata: JsonObject = {},
  ): Promise<void> {
    const frames = encodeMessage(
      {
        identities,
        header: newHeader(msgType, this.id),
        parent_header: parent.header,
        metadata,
        content,
        buffers: [],
      },
      this.options.signer,
    );
    return this.options.channels.send(channel, frames);
  }
}
