import { createWriteStream, mkdtempSync, type WriteStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { outputCutNote } from '../../runner/describe-exit';

/** Output of one cell passed on to the frontend before the rest goes only to a file (as for commands). */
export const CELL_OUTPUT_LIMIT = 1 << 20;

/**
 * Caps what one TypeScript cell prints, like the runner caps a command: past
 * the limit nothing more is sent, and everything the cell printed, from its
 * first byte, is kept in a file the closing note names.
 */
export class OutputCap {
  private passedBytes = 0;
  private cutBytes = 0;
  private readonly passed: string[] = [];
  private file: { path: string; stream: WriteStream } | undefined;

  constructor(private readonly limit = CELL_OUTPUT_LIMIT) {}

  /** The text to pass on: all of it, or nothing once the limit is reached. */
  take(text: string): string {
    const bytes = Buffer.byteLength(text);
    if (!this.file && this.passedBytes < this.limit) {
      this.passedBytes += bytes;
      this.passed.push(text);
      return text;
    }
    this.keep(text);
    this.cutBytes += bytes;
    return '';
  }

  /** The one line to show when output was cut, else null. */
  note(): string | null {
    return this.cutBytes === 0 ? null : outputCutNote(this.cutBytes, this.file?.path);
  }

  private keep(text: string): void {
    if (!this.file) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-cell-output-'));
      const file = path.join(dir, 'output.log');
      const stream = createWriteStream(file);
      stream.on('error', () => undefined);
      this.file = { path: file, stream };
      for (const earlier of this.passed.splice(0)) stream.write(earlier);
    }
    this.file.stream.write(text);
  }

  close(): void {
    this.file?.stream.end();
  }
}
