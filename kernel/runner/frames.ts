/**
 * The frames the sockbook-run helper writes on its fd 4:
 * TYPE (1 byte) LENGTH (4 bytes, little-endian) PAYLOAD.
 */
export type FrameType =
  | 'P' // the main process started: "<pid>"
  | 'O' // terminal output bytes
  | 'I' // the command is blocked reading its terminal
  | 'X' // how the main process ended: "exit N" | "signal N"
  | 'T' // output was cut: "<total bytes> <file>"
  | 'C' // a typed line was cut at the terminal's line limit: "<line bytes> <kept bytes>"
  | 'E' // the command could not be started: message
  | 'D'; // the command is over

export interface Frame {
  type: FrameType;
  payload: Buffer;
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
