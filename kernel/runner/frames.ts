/**
 * The frames the sockbook-run helper writes on its fd 4:
 * TYPE (1 byte) LENGTH (4 bytes, little-endian) PAYLOAD.
 *
 * The one definition of each frame: `formats` are the printf formats
 * native/c/sockbook-run.c writes its payload with ('' for an empty payload,
 * 'bytes' for raw bytes), `fields` what docs/architecture.md calls them.
 * test/frames.test.ts holds the C program and the page to this table, and
 * `decodeFrame` below reads each payload by it.
 */
export const FRAME_FORMATS = {
  P: { formats: ['%d'], fields: 'PID', when: 'the main process started' },
  O: { formats: ['bytes'], fields: 'output bytes', when: 'terminal output' },
  I: { formats: [''], fields: 'empty', when: 'the command is blocked reading its terminal' },
  X: { formats: ['exit %d', 'signal %d'], fields: 'exit N', when: 'how the main process ended' },
  T: { formats: ['%lld %lld %s'], fields: 'TOTAL DROPPED PATH', when: 'output was cut: its total size, the bytes past the kept file\'s cap, the file' },
  C: { formats: ['%lld %d'], fields: 'BYTES KEPT', when: 'a typed line was cut at the terminal\'s line limit' },
  E: { formats: ['%s: %s'], fields: 'a message', when: 'the command could not be started' },
  D: { formats: [''], fields: 'empty', when: 'the command is over' },
} as const satisfies Record<string, { formats: readonly string[]; fields: string; when: string }>;

export type FrameType = keyof typeof FRAME_FORMATS;

export interface Frame {
  type: FrameType;
  payload: Buffer;
}

/** How the main process ended: by an exit code or by a signal. */
export type MainExit = { exitCode: number; signalNumber: null } | { exitCode: null; signalNumber: number };

/** A frame's payload read by its format. */
export type DecodedFrame =
  | { type: 'P'; pid: number }
  | { type: 'O'; bytes: Buffer }
  | { type: 'I' }
  | { type: 'X'; exit: MainExit }
  | { type: 'T'; totalBytes: number; droppedBytes: number; file: string | undefined }
  | { type: 'C'; lineBytes: number; keptBytes: number }
  | { type: 'E'; message: string }
  | { type: 'D' };

/** Reads a frame's payload as FRAME_FORMATS says the helper wrote it; undefined for a type it does not define. */
export function decodeFrame(frame: Frame): DecodedFrame | undefined {
  const text = (): string => frame.payload.toString('utf8');
  switch (frame.type) {
    case 'P':
      return { type: 'P', pid: Number(text()) };
    case 'O':
      return { type: 'O', bytes: frame.payload };
    case 'X': {
      const [how, n] = text().split(' ');
      return { type: 'X', exit: how === 'signal' ? { exitCode: null, signalNumber: Number(n) } : { exitCode: Number(n), signalNumber: null } };
    }
    case 'T': {
      const [, total, dropped, file] = /^(\d+) (\d+) ?(.*)$/s.exec(text()) ?? [];
      return { type: 'T', totalBytes: Number(total), droppedBytes: Number(dropped), file: file || undefined };
    }
    case 'C': {
      const [lineBytes, keptBytes] = text().split(' ').map(Number);
      return { type: 'C', lineBytes, keptBytes };
    }
    case 'E':
      return { type: 'E', message: text() };
    case 'I':
    case 'D':
      return { type: frame.type };
    default:
      return undefined;
  }
}

const HEADER_BYTES = 5;

/** Splits a byte stream into frames, whatever the chunk boundaries. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds a chunk; returns the frames it completed, in order. */
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER_BYTES) {
      const length = this.pending.readUInt32LE(offset + 1);
      if (this.pending.length - offset - HEADER_BYTES < length) break;
      const type = String.fromCharCode(this.pending[offset]) as FrameType;
      const start = offset + HEADER_BYTES;
      frames.push({ type, payload: this.pending.subarray(start, start + length) });
      offset = start + length;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }
}

/** Control messages the kernel sends on the helper's fd 3. */
export const control = {
  interrupt: (): Buffer => Buffer.from('i'),
  killAll: (): Buffer => Buffer.from('k'),
  signal: (signo: number): Buffer => Buffer.from([0x73 /* 's' */, signo]),
  /**
   * Text to type: `w` LEN BYTES, LEN 4 bytes little-endian. The helper reads
   * exactly LEN bytes as text, whatever they are, so no text can pass for a
   * control message; text longer than one message can say goes as several.
   */
  input(text: string, maxPayload = 0xffffffff): Buffer {
    const bytes = Buffer.from(text, 'utf8');
    const parts: Buffer[] = [];
    let at = 0;
    do {
      const payload = bytes.subarray(at, at + maxPayload);
      const header = Buffer.alloc(5);
      header.write('w', 0, 'latin1');
      header.writeUInt32LE(payload.length, 1);
      parts.push(header, payload);
      at += maxPayload;
    } while (at < bytes.length);
    return Buffer.concat(parts);
  },
};
