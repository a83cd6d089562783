import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zmq from 'zeromq';
import { decodeMessage, encodeMessage, newHeader } from '../../kernel/wire/codec';
import type { Header, JsonObject, Message } from '../../kernel/wire/message';
import { Signer } from '../../kernel/wire/signer';
import { projectRoot } from '../../kernel/paths';
import { messageProblems } from './message-schema';

/** A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

export interface StartOptions {
  transport?: 'tcp' | 'ipc';
  key?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Another kernel's command line, `{connection_file}` standing for the file (default: sockbook). */
  argv?: string[];
  /**
   * Checks every message the kernel sends against the messaging specification's schema
   * (test/support/message-schema.ts); close() then fails when one did not match. Default: on when
   * SOCKBOOK_VALIDATE_MESSAGES is set in the environment.
   */
  validate?: boolean;
}

type Channel = 'shell' | 'control' | 'stdin';

/**
 * A minimal Jupyter client over real ZeroMQ sockets, written for the tests:
 * starts `sockbook kernel -f FILE` as a child process and talks to it the way
 * jupyter_client does.
 */
export class KernelClient {
  readonly process: ChildProcess;
  readonly signer: Signer;
  readonly session = randomBytes(8).toString('hex');
  stderr = '';
  readonly iopubMessages: Message[] = [];
  private readonly dealers: Record<Channel, zmq.Dealer>;
  private readonly iopub: zmq.Subscriber;
  private readonly hb: zmq.Request;
  private readonly sendQueues = new Map<string, Promise<void>>();
  private readonly replyWaiters = new Map<string, (m: Message) => void>();
  private readonly iopubWaiters: (() => void)[] = [];
  stdinHandler: ((m: Message) => void) | null = null;
  private closed = false;
  /** What was wrong with the messages the kernel sent, when they are validated (StartOptions.validate). */
  readonly schemaProblems: string[] = [];
  private readonly validate: boolean;

  private constructor(
    readonly dir: string,
    readonly connection: Record<string, unknown>,
    key: string,
    options: StartOptions,
  ) {
    this.signer = new Signer('hmac-sha256', key);
    this.validate = options.validate ?? Boolean(process.env.SOCKBOOK_VALIDATE_MESSAGES);
    const connectionFile = path.join(dir, 'connection.json');
    const argv = (options.argv ?? [process.execPath, path.join(projectRoot, 'bin', 'sockbook.js'), 'kernel', '-f', '{connection_file}']).map((a) =>
      a === '{connection_file}' ? connectionFile : a,
    );
    this.process = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd ?? dir,
      // The compile cache lives in the test's temp dir, so every test starts cold and leaves nothing behind.
      env: { ...process.env, SOCKBOOK_CACHE_DIR: path.join(dir, 'compile-cache'), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.process.stdout?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    const endpoint = (port: string) =>
      connection.transport === 'ipc' ? `ipc://${String(connection.ip)}-${String(connection[port])}` : `tcp://127.0.0.1:${String(connection[port])}`;
    this.dealers = {
      shell: new zmq.Dealer({ routingId: `shell-${this.session}`, linger: 0 }),
      control: new zmq.Dealer({ routingId: `control-${this.session}`, linger: 0 }),
      stdin: new zmq.Dealer({ routingId: `shell-${this.session}`, linger: 0 }),
    };
    this.dealers.shell.connect(endpoint('shell_port'));
    this.dealers.control.connect(endpoint('control_port'));
    this.dealers.stdin.connect(endpoint('stdin_port'));
    this.iopub = new zmq.Subscriber({ linger: 0 });
    this.iopub.connect(endpoint('iopub_port'));
    this.iopub.subscribe();
    this.hb = new zmq.Request({ linger: 0, receiveTimeout: 5000 });
    this.hb.connect(endpoint('hb_port'));
    for (const channel of ['shell', 'control', 'stdin'] as const) void this.receive(channel);
    void this.receiveIopub();
  }

  static async start(options: StartOptions = {}): Promise<KernelClient> {
    // Free ports are found by binding and closing them, so another process may take one before the
    // kernel binds it: a kernel that says so is started again on other ports.
    for (let attempt = 1; ; attempt++) {
      try {
        return await KernelClient.startOnce(options);
      } catch (error) {
        if (attempt >= 3 || !/Address already in use/.test(String(error))) throw error;
      }
    }
  }

  private static async startOnce(options: StartOptions): Promise<KernelClient> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-test-'));
    const key = options.key ?? randomBytes(16).toString('hex');
    const transport = options.transport ?? 'tcp';
    const connection: Record<string, unknown> = {
      transport,
      ip: transport === 'tcp' ? '127.0.0.1' : path.join(dir, 'kernel-ipc'),
      key,
      signature_scheme: 'hmac-sha256',
      kernel_name: 'sockbook',
    };
    let port = 40000 + Math.floor(Math.random() * 10000);
    for (const name of ['shell_port', 'control_port', 'iopub_port', 'stdin_port', 'hb_port']) {
      connection[name] = transport === 'tcp' ? await freePort() : port++;
    }
    writeFileSync(path.join(dir, 'connection.json'), JSON.stringify(connection));
    const client = new KernelClient(dir, connection, key, options);
    try {
      await client.waitReady();
    } catch (error) {
      // A kernel that never came up leaves neither its process nor its temp dir behind.
      client.process.kill('SIGKILL');
      await client.close();
      throw error;
    }
    return client;
  }

  /** Milliseconds from spawning the kernel to its first kernel_info_reply. */
  firstReplyMs = 0;

  /** Waits until kernel_info is answered on shell, then until iopub delivers (so no publication is missed). */
  private async waitReady(): Promise<void> {
    const spawned = Date.now();
    const deadline = spawned + 20000;
    const reached = async (check: () => Promise<void>) => {
      for (;;) {
        if (this.process.exitCode !== null) throw new Error(`kernel exited: ${this.stderr}`);
        try {
          return await check();
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`kernel not ready: ${String(error)}\n${this.stderr}`);
        }
      }
    };
    await reached(async () => {
      await this.request('shell', 'kernel_info_request', {}, 500);
    });
    this.firstReplyMs = Date.now() - spawned;
    await reached(async () => {
      const msgId = await this.send('shell', 'kernel_info_request', {});
      await this.reply(msgId, 1000);
      await this.waitFor(() => this.iopubMessages.some((m) => m.parent_header.msg_id === msgId), 500);
    });
  }

  private async receive(channel: Channel): Promise<void> {
    try {
      for await (const frames of this.dealers[channel]) {
        const message = decodeMessage(frames, this.signer);
        if (this.validate) this.schemaProblems.push(...messageProblems(channel, message));
        if (channel === 'stdin') this.stdinHandler?.(message);
        const waiter = this.replyWaiters.get(String(message.parent_header.msg_id));
        if (waiter && channel !== 'stdin') waiter(message);
      }
    } catch {
      // closed
    }
  }

  private async receiveIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        const message = decodeMessage(frames, this.signer);
        if (this.validate) this.schemaProblems.push(...messageProblems('iopub', message));
        this.iopubMessages.push(message);
        for (const wake of this.iopubWaiters.splice(0)) wake();
      }
    } catch {
      // closed
    }
  }

  /** Sends raw frames on a channel (for malformed-input tests). */
  sendFrames(channel: Channel, frames: Buffer[]): Promise<void> {
    const previous = this.sendQueues.get(channel) ?? Promise.resolve();
    const next = previous.then(() => this.dealers[channel].send(frames));
    this.sendQueues.set(channel, next.catch(() => undefined));
    return next;
  }

  /** `extra` adds header fields, e.g. `subshell_id` (protocol 5.5); `parent` is the message this one answers. */
  message(msgType: string, content: JsonObject, signer: Signer = this.signer, extra: Partial<Header> = {}, parent?: Message): { frames: Buffer[]; msgId: string } {
    const header = { ...newHeader(msgType, this.session, 'test'), ...extra };
    const frames = encodeMessage({ identities: [], header, parent_header: parent?.header ?? {}, metadata: {}, content, buffers: [] }, signer);
    return { frames, msgId: header.msg_id };
  }

  /** Answers an input_request on stdin, as its child (the kernel matches the answer to the question by parent). */
  answerInput(question: Message, value: string, extra: Partial<Header> = {}): Promise<void> {
    return this.sendFrames('stdin', this.message('input_reply', { value }, this.signer, extra, question).frames);
  }

  async send(channel: Channel, msgType: string, content: JsonObject, signer?: Signer, extra: Partial<Header> = {}): Promise<string> {
    const { frames, msgId } = this.message(msgType, content, signer, extra);
    await this.sendFrames(channel, frames);
    return msgId;
  }

  reply(msgId: string, timeoutMs = 30000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replyWaiters.delete(msgId);
        reject(new Error(`no reply to ${msgId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.replyWaiters.set(msgId, (m) => {
        clearTimeout(timer);
        this.replyWaiters.delete(msgId);
        resolve(m);
      });
    });
  }

  async request(channel: Channel, msgType: string, content: JsonObject, timeoutMs = 30000, extra: Partial<Header> = {}): Promise<Message> {
    const waiting = (id: string) => this.reply(id, timeoutMs);
    const { frames, msgId } = this.message(msgType, content, this.signer, extra);
    const replied = waiting(msgId);
    await this.sendFrames(channel, frames);
    return replied;
  }

  async waitFor(predicate: () => boolean, timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for iopub');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.iopubWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** iopub messages whose parent is msgId. */
  outputsOf(msgId: string): Message[] {
    return this.iopubMessages.filter((m) => m.parent_header.msg_id === msgId);
  }

  async waitIdle(msgId: string, timeoutMs = 30000): Promise<Message[]> {
    const idle = (m: Message) => m.header.msg_type === 'status' && m.content.execution_state === 'idle';
    await this.waitFor(() => this.outputsOf(msgId).some(idle), timeoutMs);
    return this.outputsOf(msgId);
  }

  /** Runs code and returns the reply and the iopub messages up to idle. */
  async execute(code: string, content: JsonObject = {}, timeoutMs = 30000, extra: Partial<Header> = {}): Promise<{ reply: Message; outputs: Message[]; msgId: string }> {
    const { msgId, done } = await this.startExecute(code, content, timeoutMs, extra);
    return { ...(await done), msgId };
  }

  /** Sends an execute_request and returns at once: its msg_id (to watch its outputs) and its end. */
  async startExecute(
    code: string,
    content: JsonObject = {},
    timeoutMs = 30000,
    extra: Partial<Header> = {},
  ): Promise<{ msgId: string; done: Promise<{ reply: Message; outputs: Message[] }> }> {
    const { frames, msgId } = this.message(
      'execute_request',
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...content },
      this.signer,
      extra,
    );
    const replied = this.reply(msgId, timeoutMs);
    await this.sendFrames('shell', frames);
    const done = replied.then(async (reply) => ({ reply, outputs: await this.waitIdle(msgId, timeoutMs) }));
    // A caller that stops waiting (a failed assertion) must not leave an unhandled rejection behind.
    done.catch(() => undefined);
    return { msgId, done };
  }

  /** Stream text of the given name among messages. */
  static streamText(outputs: Message[], name = 'stdout'): string {
    return outputs
      .filter((m) => m.header.msg_type === 'stream' && m.content.name === name)
      .map((m) => String(m.content.text))
      .join('');
  }

  async heartbeat(timeoutMs = 5000): Promise<number> {
    const started = Date.now();
    await this.hb.send('ping');
    const race = await Promise.race([
      this.hb.receive().then(() => 'ok'),
      new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs)),
    ]);
    if (race !== 'ok') throw new Error('heartbeat timed out');
    return Date.now() - started;
  }

  async waitExit(timeoutMs = 10000): Promise<number | null> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return this.process.exitCode;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('kernel did not exit')), timeoutMs);
      this.process.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** Shuts the kernel down (politely, then by pid) and removes its temp dir. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.process.exitCode === null && this.process.signalCode === null) {
        await this.send('control', 'shutdown_request', { restart: false }).catch(() => undefined);
        await this.waitExit(5000).catch(() => this.process.kill('SIGKILL'));
      }
    } finally {
      for (const socket of [...Object.values(this.dealers), this.iopub, this.hb]) socket.close();
      rmSync(this.dir, { recursive: true, force: true });
    }
    if (this.schemaProblems.length > 0) {
      throw new Error(`the kernel sent ${this.schemaProblems.length} message(s) the messaging specification does not allow:\n${[...new Set(this.schemaProblems)].slice(0, 30).join('\n')}`);
    }
  }
}
