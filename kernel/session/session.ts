import { randomUUID } from 'node:crypto';
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
import type { Interpreter } from '../interpreter/interpreter';
import { ProcessUsage } from './process-usage';
import type { Handler, HandlerTable, KernelServices, Request, Subshells } from './request';
import { Shell } from './shell';

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
 * Dispatch by msg_type, status around every request, and the kernel's
 * shells. Each shell (the main one, and every subshell a client created)
 * runs its requests one at a time in arrival order, and shells run at the
 * same time as each other; control requests run at once, even while cells
 * run.
 */
export class Session implements KernelServices {
  readonly interpreter: Interpreter;
  readonly subshells: Subshells;
  readonly main: Shell;
  private readonly id = newHeader('', '').msg_id;
  private readonly children = new Map<string, Shell>();
  /** Deleted subshells whose queued requests have not all run yet. */
  private readonly retired = new Set<Shell>();
  /** Set once a shutdown_request is taken (or shutdown began): nothing starts after it. */
  private ending = false;
  private readonly processUsage = new ProcessUsage(process.pid);
  /** Signatures already received: a replayed message is dropped. */
  private readonly digests = new DigestHistory();

  constructor(private readonly options: SessionOptions) {
    this.interpreter = options.interpreter;
    this.main = this.newShell(null);
    this.subshells = {
      create: () => {
        const subshellId = randomUUID();
        this.children.set(subshellId, this.newShell(subshellId));
        return subshellId;
      },
      delete: (subshellId) => {
        const shell = this.children.get(subshellId);
        if (!shell) return false;
        this.children.delete(subshellId);
        // What it already queued still runs, and an interrupt still reaches it.
        this.retired.add(shell);
        void shell.drained().then(() => this.retired.delete(shell));
        return true;
      },
      list: () => [...this.children.keys()],
    };
  }

  private newShell(subshellId: string | null): Shell {
    return new Shell(subshellId, this, (request, prompt, password) => this.askOnStdin(request, { prompt, password }));
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
      if (msgType === 'input_reply') this.answerInput(message);
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

  /** Interrupts the kernel: every shell's running cell, and every open input question. */
  interrupt(): void {
    for (const shell of [this.main, ...this.children.values(), ...this.retired]) shell.interruptHere();
  }

  usage() {
    return this.processUsage.measure();
  }

  /** The shell a shell message names in its header (JEP 91); undefined for an id that names none. */
  private shellFor(message: Message): Shell | undefined {
    const subshellId = message.header.subshell_id;
    if (subshellId === undefined || subshellId === null) return this.main;
    return typeof subshellId === 'string' ? this.children.get(subshellId) : undefined;
  }

  /** From now on nothing new starts; the running cells are interrupted, so they start no further step. */
  beginShutdown(): void {
    this.ending = true;
    this.interrupt();
  }

  /**
   * An input_reply goes to the shell its header names; a client that leaves
   * the subshell out answers the main shell's question, or else the one
   * subshell that waits.
   */
  private answerInput(message: Message): void {
    const value = this.read('input_reply', message.content).value ?? '';
    const named = message.header.subshell_id;
    const shell =
      typeof named === 'string'
        ? this.children.get(named)
        : this.main.waitingForInput
          ? this.main
          : [...this.children.values()].find((child) => child.waitingForInput);
    const parent = message.parent_header.msg_id;
    if (!shell?.answerInput(parent, value)) this.log(`ignored an input_reply to ${String(parent)}: no open input_request has that msg_id`);
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
    const shell = channel === 'shell' ? this.shellFor(message) : this.main;
    if (!shell) {
      void this.refuseUnknownSubshell(channel, message);
      return;
    }
    let replied = false;
    const request: Request<T> = {
      channel,
      message,
      content: this.read(msgType, message.content),
      sequence: channel === 'shell' ? shell.receive() : 0,
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
      // The messaging spec gives every execute_reply an execution_count, an error too.
      const content = answer && msgType === 'execute_request' ? { ...answer.content, execution_count: shell.executionCount } : answer?.content;
      return answer && content ? this.send(channel, message.identities, message, answer.replyType, content) : Promise.resolve();
    };
    // kernel_info says nothing of a shell's queue, so it is answered at once, as ipykernel 7 does: a client
    // that connects while a cell runs (JupyterLab's subshell console asks it before making its subshell) waits for no cell.
    if (channel === 'control' || msgType === 'kernel_info_request') void this.handle(request, handler, shell, failed, false);
    else shell.enqueue(() => this.handle(request, handler, shell, failed, true));
  }

  /** A request for a subshell that does not exist (or no longer does) is answered with an error, as JEP 91 asks. */
  private async refuseUnknownSubshell(channel: RoutedChannel, message: Message): Promise<void> {
    const { msg_type: msgType, subshell_id: subshellId } = message.header;
    this.log(`${msgType} names subshell ${JSON.stringify(subshellId)}, which does not exist`);
    if (!msgType.endsWith('_request')) return;
    const error: ErrorReply = {
      status: 'error',
      ename: 'SubshellNotFound',
      evalue: `there is no subshell ${JSON.stringify(subshellId)}`,
      traceback: [],
    };
    // An execute_reply always has an execution_count; no shell counted this request.
    const content = msgType === 'execute_request' ? { ...error, execution_count: 0 } : error;
    await this.publish(message, 'status', { execution_state: 'busy' });
    await this.send(channel, message.identities, message, msgType.replace(/_request$/, '_reply'), content);
    await this.publish(message, 'status', { execution_state: 'idle' });
  }

  private async handle<T extends RequestType>(
    request: Request<T>,
    handler: Handler<T>,
    shell: Shell,
    failed: (error: unknown) => Promise<void>,
    /** A queued shell request: interrupts while it is handled are its own. */
    queued: boolean,
  ): Promise<void> {
    // The kernel process ends right after shutdown; a cell started now could outlive the interpreter's shutdown.
    if (this.ending) return;
    if (queued) shell.arm();
    try {
      await this.publish(request.message, 'status', { execution_state: 'busy' });
      try {
        await handler(request, shell);
      } catch (error) {
        await failed(error);
      }
      await this.publish(request.message, 'status', { execution_state: 'idle' });
    } finally {
      if (queued) shell.disarm();
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
