import type { MimeBundle } from '../../interpreter/mime';
import { escapeHtml } from '../../display/html-escape';

/** O: stdout, E: stderr, I: input written with write(), L: life-cycle. */
export type LaunchLineKind = 'O' | 'E' | 'I' | 'L';

/** Lines kept by default: a chatty program shows its latest output. */
export const DEFAULT_MAX_LINES = 1000;

/** Characters kept of one line: an unterminated flood (no newline ever) stays this small. */
export const MAX_LINE_CHARS = 10000;

/** What replaces the part of a line past MAX_LINE_CHARS. */
export function lineCutNote(cutChars: number): string {
  return ` … (${cutChars} more characters of this line not shown)`;
}

/**
 * The lines of a launched program's live display: output split into lines
 * (an unfinished line, like a prompt, is shown as it is so far), the latest
 * `maxLines` of them kept, each cut at `maxLineChars` (so memory stays
 * bounded however long a line, finished or not, grows).
 */
export class LaunchLog {
  private readonly lines: string[] = [];
  private dropped = 0;
  private readonly partial: Record<'O' | 'E', string> = { O: '', E: '' };
  /** Characters of the unfinished line not kept. */
  private readonly partialCut: Record<'O' | 'E', number> = { O: 0, E: 0 };

  constructor(
    private readonly maxLines = DEFAULT_MAX_LINES,
    private readonly maxLineChars = MAX_LINE_CHARS,
  ) {}

  /** Output of the program: complete lines are added, the rest waits for its end. */
  output(kind: 'O' | 'E', text: string): void {
    const pieces = text.split('\n');
    const rest = pieces.pop() ?? '';
    for (const piece of pieces) {
      this.extend(kind, piece);
      this.push(kind, this.takePartial(kind));
    }
    this.extend(kind, rest);
  }

  /** Input or a life-cycle note: each line of it is added. */
  note(kind: 'I' | 'L', text: string): void {
    const pieces = text.split('\n');
    if (pieces.length > 1 && pieces[pieces.length - 1] === '') pieces.pop();
    for (const piece of pieces) {
      this.push(kind, piece.length > this.maxLineChars ? piece.slice(0, this.maxLineChars) + lineCutNote(piece.length - this.maxLineChars) : piece);
    }
  }

  /** The program ended: its unfinished lines are final. */
  endOutput(): void {
    for (const kind of ['O', 'E'] as const) {
      if (this.partial[kind] !== '' || this.partialCut[kind] > 0) this.push(kind, this.takePartial(kind));
    }
  }

  /** The lines as they are shown, oldest first. */
  shownLines(): string[] {
    const shown = this.dropped > 0 ? [`L: (${this.dropped} earlier lines not shown)`] : [];
    shown.push(...this.lines);
    for (const kind of ['O', 'E'] as const) {
      if (this.partial[kind] === '' && this.partialCut[kind] === 0) continue;
      shown.push(`${kind}: ${this.partial[kind]}${this.partialCut[kind] > 0 ? lineCutNote(this.partialCut[kind]) : ''}`);
    }
    return shown;
  }

  /** HTML `<pre>` (escaped) and the same lines as text/plain. */
  render(): MimeBundle {
    const text = this.shownLines().join('\n');
    return { 'text/html': `<pre>${escapeHtml(text)}</pre>`, 'text/plain': text };
  }

  /** Adds text to the unfinished line, keeping at most maxLineChars of it. */
  private extend(kind: 'O' | 'E', text: string): void {
    const room = Math.max(0, this.maxLineChars - this.partial[kind].length);
    if (text.length <= room) {
      this.partial[kind] += text;
    } else {
      this.partial[kind] += text.slice(0, room);
      this.partialCut[kind] += text.length - room;
    }
  }

  /** The unfinished line as it is (with its cut note), now finished. */
  private takePartial(kind: 'O' | 'E'): string {
    const cut = this.partialCut[kind];
    const line = this.partial[kind].replace(/\r$/, '') + (cut > 0 ? lineCutNote(cut) : '');
    this.partial[kind] = '';
    this.partialCut[kind] = 0;
    return line;
  }

  private push(kind: LaunchLineKind, line: string): void {
    this.lines.push(`${kind}: ${line.replace(/\r$/, '')}`);
    if (this.lines.length > this.maxLines) {
      const excess = this.lines.length - this.maxLines;
      this.lines.splice(0, excess);
      this.dropped += excess;
    }
  }
}
