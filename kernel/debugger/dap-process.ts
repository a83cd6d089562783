import { spawn, type ChildProcess } from 'node:child_process';
import type { DebugBody } from '../interpreter/debug';

export interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  request_seq?: number;
  success?: boolean;
  message?: string;
  arguments?: DebugBody;
  body?: DebugBody;
}

/**
 * A Debug Adapter Protocol server run as a child process (lldb-dap), spoken
 * to over its stdin and stdout with the protocol's `Content-Length` framing.
 * Requests are promises; events and the server's own requests (reverse
 * requests such as runInTerminal) go to the listener.
 */
export class DapProcess {
  private seq = 0;
  private buffered = Buffer.alloc(0);
  private readonly pending = new Map<number, (response: DapMessage) => void>();
  private readonly child: ChildProcess;
  private ended = false;
  readonly exited: Promise<void>;

  constructor(file: string, private readonly onMessage: (message: DapMessage) => void, onStderr: (text: string) => void) {
    this.child = spawn(file, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('close', () => resolve()));
    this.child.on('error', (error) => onStderr(`${error.message}\n`));
    this.child.stdout?.on('data', (chunk: Buffer) => this.received(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => onStderr(chunk.toString()));
    this.child.stdin?.on('error', () => undefined);
    void this.exited.then(() => {
      this.ended = true;
      for (const settle of this.pending.values()) settle({ seq: 0, type: 'response', success: false, message: 'lldb-dap exited' });
      this.pending.clear();
    });
  }

  request(command: string, args: DebugBody = {}): Promise<DapMessage> {
    if (this.ended) return Promise.resolve({ seq: 0, type: 'response', command, success: false, message: 'lldb-dap is not running' });
    const seq = this.write({ type: 'request', command, arguments: args });
    return new Promise((resolve) => this.pending.set(seq, resolve));
  }

  /** Answers one of the server's own requests. */
  respond(request: DapMessage, body: DebugBody = {}): void {
    this.write({ type: 'response', request_seq: request.seq, command: request.command, success: true, body });
  }

  /** Ends the server (what it debugs was detached or killed before, by disconnect). */
  kill(): void {
    if (!this.ended) this.child.kill('SIGKILL');
  }

  private write(message: Omit<DapMessage, 'seq'>): number {
    const seq = ++this.seq;
    const text = JSON.stringify({ ...message, seq });
    this.child.stdin?.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    return seq;
  }

  private received(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const headerEnd = this.buffered.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(this.buffered.subarray(0, headerEnd).toString('latin1'))?.[1] ?? NaN);
      if (!Number.isFinite(length)) {
        // Not a frame: skip the header and resynchronise on the next one.
        this.buffered = this.buffered.subarray(headerEnd + 4);
        continue;
      }
      if (this.buffered.length < headerEnd + 4 + length) return;
      const body = this.buffered.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffered = this.buffered.subarray(headerEnd + 4 + length);
      let message: DapMessage;
      try {
        message = JSON.parse(body) as DapMessage;
      } catch {
        continue;
      }
      if (message.type === 'response' && typeof message.request_seq === 'number' && this.pending.has(message.request_seq)) {
        const settle = this.pending.get(message.request_seq);
        this.pending.delete(message.request_seq);
        settle?.(message);
      } else {
        this.onMessage(message);
      }
    }
  }
}
