import type { CellStatus } from '../../grading/report';
import type { NotebookSummary } from './progress-messages';
import { summaryLine } from './summary';

/** What a run of several notebooks shows while it goes. */
export interface BatchProgress {
  started(name: string): void;
  cell(name: string, done: number, total: number, firstLine: string): void;
  cellEnded(name: string, done: number, total: number, cellName: string, status: CellStatus, ename?: string): void;
  finished(summary: NotebookSummary): void;
  /** An error of the batch itself (a notebook's run could not start, was killed). */
  problem(name: string, text: string): void;
  stop(): void;
}

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

/** --quiet: only problems. */
export class QuietProgress implements BatchProgress {
  started(): void {}
  cell(): void {}
  cellEnded(): void {}
  finished(): void {}
  problem(name: string, text: string): void {
    process.stderr.write(`${name}: ${text}\n`);
  }
  stop(): void {}
}

/** Not a terminal: a line when a notebook starts, when a cell does not pass, and when it ends. */
export class PlainProgress implements BatchProgress {
  constructor(private readonly write: (text: string) => void) {}

  started(name: string): void {
    this.write(`${name}: started\n`);
  }
  cell(): void {}
  cellEnded(name: string, done: number, total: number, cellName: string, status: CellStatus, ename?: string): void {
    if (status === 'passed' || status === 'expected-error') return;
    this.write(`${name}: cell ${done}/${total} ${status}${ename ? ` (${ename})` : ''}: ${cellName}\n`);
  }
  finished(summary: NotebookSummary): void {
    this.write(`${summary.name}: ${summaryLine(summary)}\n`);
  }
  problem(name: string, text: string): void {
    this.write(`${name}: ${text}\n`);
  }
  stop(): void {}
}

interface RunningLine {
  started: number;
  done: number;
  total: number;
  firstLine: string;
}

/**
 * A terminal: the running notebooks each have a line at the bottom, redrawn in
 * place (cells done/total, elapsed time, the running cell's first line); a
 * notebook that ends leaves its summary line above them.
 */
export class TerminalProgress implements BatchProgress {
  private readonly running = new Map<string, RunningLine>();
  private drawn = 0;
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.ticker = setInterval(() => this.redraw(), 1000);
    this.ticker.unref();
  }

  started(name: string): void {
    this.running.set(name, { started: Date.now(), done: 0, total: 0, firstLine: '' });
    this.redraw();
  }

  cell(name: string, done: number, total: number, firstLine: string): void {
    const line = this.running.get(name);
    if (!line) return;
    Object.assign(line, { done: done - 1, total, firstLine });
    this.redraw();
  }

  cellEnded(name: string, done: number, total: number): void {
    const line = this.running.get(name);
    if (!line) return;
    Object.assign(line, { done, total });
    this.redraw();
  }

  finished(summary: NotebookSummary): void {
    this.running.delete(summary.name);
    this.redraw(`${summary.name}: ${summaryLine(summary)}`);
  }

  problem(name: string, text: string): void {
    this.redraw(`${name}: ${text}`);
  }

  stop(): void {
    clearInterval(this.ticker);
    this.redraw();
  }

  private redraw(permanent?: string): void {
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const fit = (text: string) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
    let text = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    if (permanent !== undefined) text += `\r\x1b[2K${permanent}\n`;
    const lines = [...this.running].map(([name, l]) => {
      const cells = l.total > 0 ? `${l.done}/${l.total} cells` : 'starting';
      return fit(`${name}: ${cells}, ${elapsed(l.started)}${l.firstLine ? ` — ${l.firstLine}` : ''}`);
    });
    for (const line of lines) text += `\r\x1b[2K${line}\n`;
    // Lines left over from a longer frame are cleared.
    for (let i = lines.length; i < this.drawn - (permanent === undefined ? 0 : 1); i++) text += '\r\x1b[2K\n';
    const extra = Math.max(0, this.drawn - (permanent === undefined ? 0 : 1) - lines.length);
    if (extra > 0) text += `\x1b[${extra}A`;
    this.drawn = lines.length;
    this.stream.write(text);
  }
}

export function batchProgress(quiet: boolean): BatchProgress {
  if (quiet) return new QuietProgress();
  return process.stdout.isTTY ? new TerminalProgress(process.stdout) : new PlainProgress((text) => process.stdout.write(text));
}
