import * as fs from 'node:fs';
import process from 'node:process';
import type { CellEvent, ChildMessage, InputReply, ReplyTypes } from './protocol';
import { fenceMarker } from './protocol';
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

/** Writes all of `text` to a pipe, waiting while it is full (fd 1 and 2 may be non-blocking). */
export function writeFully(fd: number, text: string): void {
  let buffer = Buffer.from(text, 'utf8');
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
