import * as fs from 'node:fs';
import process from 'node:process';
import type { CellEvent, ChildMessage, InputReply, PhaseChange, ReplyTypes } from '../protocol';
import { fenceMarker } from '../protocol';
import { flushCStdio } from './c-stdio';

/**
 * The executor child's side of the IPC channel. Every event is preceded by a
 * fence written to fd 1 and fd 2, so the client shows it after the output
 * written before it.
 */
export class ChildChannel {
  private fence = 0;
  private inputId = 0;
  private readonly inputs = new Map<number, { resolve(value: string): void; reject(error: Error): void }>();

  constructor(private readonly nonce: string) {}

  emit(event: CellEvent): void {
    this.send({ type: 'event', fence: this.writeFence(), event });
  }

  reply<K extends keyof ReplyTypes>(id: number, result: ReplyTypes[K], fenced: boolean): void {
    this.send({ type: 'reply', id, fence: fenced ? this.writeFence() : undefined, result });
  }

  failed(id: number, message: string): void {
    this.send({ type: 'failed', id, message });
  }

  ready(): void {
    this.send({ type: 'ready' });
  }

  /** Tells the kernel whether the type checker is loaded now. */
  checkerLoaded(loaded: boolean): void {
    this.send({ type: 'checker', loaded });
  }

  interruptSeen(): void {
    this.send({ type: 'interruptSeen' });
  }

  phase(phase: PhaseChange['phase']): void {
    this.send({ type: 'phase', phase });
  }

  /** Asks the frontend for a line of input (input_request). */
  requestInput(prompt: string, password: boolean): Promise<string> {
    const requestId = ++this.inputId;
    return new Promise<string>((resolve, reject) => {
      this.inputs.set(requestId, { resolve, reject });
      this.emit({ kind: 'input', requestId, prompt, password });
    });
  }

  inputReply(reply: InputReply): void {
    const pending = this.inputs.get(reply.requestId);
    if (!pending) return;
    this.inputs.delete(reply.requestId);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(Object.assign(new Error(reply.message), { name: reply.name }));
  }

  /** Ends every pending input() with `error` (the cell was interrupted). */
  rejectInputs(error: Error): void {
    for (const pending of this.inputs.values()) pending.reject(error);
    this.inputs.clear();
  }

  private writeFence(): number {
    flushCStdio();
    const fence = ++this.fence;
    const marker = fenceMarker(this.nonce, fence);
    writeFully(1, marker);
    writeFully(2, marker);
    return fence;
  }

  private send(message: ChildMessage): void {
    process.send?.(message);
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `data` to a pipe, waiting while it is full (fd 1 and 2 may be non-blocking). */
export function writeFully(fd: number, data: string | Uint8Array): void {
  let buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  while (buffer.length > 0) {
    try {
      const written = fs.writeSync(fd, buffer);
      buffer = buffer.subarray(written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}

/**
 * Makes process.stdout/stderr (and so console.*) write straight to fd 1/2.
 * Node's pipe streams queue what a full pipe does not take, so their text
 * could pass the fences written with writeSync and land in the next cell;
 * and an interrupt landing inside a stream's bookkeeping can leave it stuck.
 * A plain synchronous write has neither problem.
 */
export function writeStdioDirectly(): void {
  for (const [stream, fd] of [[process.stdout, 1], [process.stderr, 2]] as const) {
    const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const done = typeof encoding === 'function' ? encoding : callback;
      const data =
        typeof chunk === 'string'
          ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
          : chunk instanceof Uint8Array
            ? chunk
            : Buffer.from(String(chunk));
      writeFully(fd, data);
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    };
    Object.defineProperty(stream, 'write', { value: write, writable: true, configurable: true });
  }
}
