import type { MimeBundle } from '../../interpreter/mime';
import { escapeHtml } from '../../display/html-escape';

/** O: stdout, E: stderr, I: input written with write(), L: life-cycle. */
export type LaunchLineKind = 'O' | 'E' | 'I' | 'L';

/** Lines kept by default: a chatty program shows its latest output. */
export const DEFAULT_MAX_LINES = 1000;

/**
 * The lines of a launched program's live display: output split into lines
 * (an unfinished line, like a prompt, is shown as it is so far), the latest
 * `maxLines` of them kept.
 */
export class LaunchLog {
  private readonly lines: string[] = [];
  private dropped = 0;
  private readonly partial: Record<'O' | 'E', string> = { O: '', E: '' };

  constructor(private readonly maxLines = DEFAULT_MAX_LINES) {}

  /** Output of the program: complete lines are added, the rest waits for its end. */
  output(kind: 'O' | 'E', text: string): void {
    const pieces = (this.partial[kind] + text).split('\n');
    this.partial[kind] = pieces.pop() ?? '';
    for (const piece of pieces) this.push(kind, piece);
  }

  /** Input or a life-cycle note: each line of it is added. */
  note(kind: 'I' | 'L', text: string): void {
    const pieces = text.split('\n');
    if (pieces.length > 1 && pieces[pieces.length - 1] === '') pieces.pop();
    for (const piece of pieces) this.push(kind, piece);
  }

  /** The program ended: its unfinished lines are final. */
  endOutput(): void {
    for (const kind of ['O', 'E'] as const) {
      if (this.partial[kind] !== '') this.push(kind, this.partial[kind]);
      this.partial[kind] = '';
    }
  }

  /** The lines as they are shown, oldest first. */
  shownLines(): string[] {
    const shown = this.dropped > 0 ? [`L: (${this.dropped} earlier lines not shown)`] : [];
    shown.push(...this.lines);
    for (const kind of ['O', 'E'] as const) if (this.partial[kind] !== '') shown.push(`${kind}: ${this.partial[kind]}`);
    return shown;
  }

  /** HTML `<pre>` (escaped) and the same lines as text/plain. */
  render(): MimeBundle {
    const text = this.shownLines().join('\n');
    return { 'text/html': `<pre>${escapeHtml(text)}</pre>`, 'text/plain': text };
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
