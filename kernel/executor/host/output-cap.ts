import { createWriteStream, mkdtempSync, type WriteStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Metadata, MimeBundle } from '../../interpreter/output-sink';
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

/** Bytes of display data one cell sends before later displays and updates are held back. */
export const CELL_DISPLAY_LIMIT = 16 << 20;

/**
 * Display messages one cell sends before later ones are held back: far
 * below iopub's high-water mark (1000 messages), past which ZeroMQ would
 * drop messages, the final `status: idle` among them.
 */
export const CELL_DISPLAY_MESSAGES = 500;

/** How many displays' latest updates are held past the limit (each is sent when the cell ends). */
const HELD_UPDATES = 64;

export interface HeldUpdate {
  displayId: string;
  data: MimeBundle;
  metadata: Metadata;
}

/**
 * Caps the display data one TypeScript cell sends, as OutputCap does its
 * printed output: past the limit a new display is dropped, and an update is
 * held, only the latest per display_id, to be sent once when the cell ends,
 * so a loop of large updates costs bounded memory and the display still
 * shows its final state.
 */
export class DisplayCap {
  private passedBytes = 0;
  private passedMessages = 0;
  private droppedDisplays = 0;
  private supersededUpdates = 0;
  private readonly held = new Map<string, HeldUpdate>();

  constructor(
    private readonly limit = CELL_DISPLAY_LIMIT,
    private readonly maxMessages = CELL_DISPLAY_MESSAGES,
  ) {}

  /** True when a display (or update) of this size may be sent now. */
  pass(data: MimeBundle): boolean {
    if (this.passedBytes >= this.limit || this.passedMessages >= this.maxMessages) return false;
    this.passedBytes += bundleBytes(data);
    this.passedMessages++;
    return true;
  }

  /** A display past the limit: not shown. */
  drop(): void {
    this.droppedDisplays++;
  }

  /** An update past the limit: kept as its display's latest, replacing an earlier one held. */
  hold(update: HeldUpdate): void {
    if (this.held.delete(update.displayId)) this.supersededUpdates++;
    else if (this.held.size >= HELD_UPDATES) {
      this.supersededUpdates++;
      return;
    }
    this.held.set(update.displayId, update);
  }

  /** The held updates, to send as the cell ends; then nothing is held. */
  takeHeld(): HeldUpdate[] {
    const held = [...this.held.values()];
    this.held.clear();
    return held;
  }

  /** The one line to show when displays were dropped or updates skipped, else null. */
  note(): string | null {
    if (this.droppedDisplays === 0 && this.supersededUpdates === 0) return null;
    const limit = `${Math.round(this.limit / (1 << 20))} MiB or ${this.maxMessages} messages`;
    const parts = [];
    if (this.droppedDisplays > 0) parts.push(`${this.droppedDisplays} displays were not shown`);
    if (this.supersededUpdates > 0) parts.push(`${this.supersededUpdates} display updates were skipped (each display shows its latest)`);
    return `display output past ${limit}: ${parts.join('; ')}`;
  }
}

/** The size a bundle takes on the wire, roughly: its JSON. */
function bundleBytes(data: MimeBundle): number {
  try {
    return Buffer.byteLength(JSON.stringify(data));
  } catch {
    return 0;
  }
}
