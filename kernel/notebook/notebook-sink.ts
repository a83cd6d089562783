import { annotationKindOf } from '../display/annotation';
import type { MimeBundle, Metadata, OutputSink } from '../interpreter/output-sink';
import { StdinNotAllowedError } from '../interpreter/output-sink';
import type { CodeCell, Output } from './nbformat';
import { joinSource } from './nbformat';

/** Displays shown with an id, wherever they are, so update_display_data can change them in place. */
export type DisplayRegistry = Map<string, Extract<Output, { output_type: 'display_data' }>[]>;

/** Text a terminal reader gets for a MIME bundle. */
export function terminalText(data: MimeBundle): string {
  for (const mime of ['text/markdown', 'text/plain']) {
    if (typeof data[mime] === 'string') return data[mime] as string;
  }
  if (typeof data['text/html'] === 'string') return (data['text/html'] as string).replace(/<[^>]*>/g, '');
  return `[${Object.keys(data).join(', ')}]`;
}

/**
 * An annotation (exit line, output cut, notice) as a terminal reader sees it,
 * apart from the program's own output: dim and bracketed on a terminal,
 * behind a `[sockbook]` prefix otherwise, one prefix per line.
 */
export function terminalAnnotation(text: string, styled: boolean): string {
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.map((line) => (styled ? `\x1b[2m[${line}]\x1b[0m\n` : `[sockbook] ${line}\n`)).join('');
}

/** Colour and style sequences (SGR), and the erase-in-line gcc sends with each colour. */
const SGR = /\x1b\[[0-9;:]*[mK]/g;

/**
 * What `sockbook run` prints goes through this: on a terminal as it is, to a
 * pipe or a file without colour sequences (the saved notebook keeps them,
 * Jupyter renders them).
 */
export function terminalWriter(write: (text: string) => void, styled: boolean): (text: string) => void {
  return styled ? write : (text) => write(text.replace(SGR, ''));
}

/** Every control sequence, which takes no room on the screen. */
const CSI = /\x1b\[[0-9;:?]*[ -/]*[@-~]/g;

/** Terminal rows a text takes, its long lines wrapped at the terminal's width. */
function rowsOf(text: string, columns: number): number {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .reduce((rows, line) => rows + Math.max(1, Math.ceil(line.replace(CSI, '').length / columns)), 0);
}

const UPDATED = '[updated] ';

/**
 * OutputSink for `sockbook run`: records a cell's outputs as nbformat outputs
 * (merging consecutive stream text, honouring clear_output and display ids)
 * and echoes them to the terminal as they come. Annotations are outputs of
 * their own in the notebook, and marked apart on the terminal.
 *
 * An updated display: on a terminal, the new value is drawn over the old one
 * when nothing was printed after it, else printed anew behind `[updated]`;
 * to a pipe or a file, its last value is printed behind `[updated]` when the
 * cell ends (`finish`), so a display updated a thousand times is one line.
 */
export class NotebookSink implements OutputSink {
  readonly allowStdin = false;
  private clearPending = false;
  /** The display printed last, when nothing came after it: a terminal redraws it in place. */
  private lastShown: { displayId: string; rows: number } | undefined;
  /** Off a terminal: the last value of each display updated during the cell, printed by finish(). */
  private readonly updated = new Map<string, MimeBundle>();

  constructor(
    private readonly cell: CodeCell,
    private readonly displays: DisplayRegistry,
    private readonly write: (text: string) => void,
    /** Annotations dim on a terminal; a prefix when the output is a pipe or a file. */
    private readonly styled: boolean = process.stdout.isTTY === true,
    private readonly columns: () => number = () => process.stdout.columns || 80,
  ) {}

  private print(text: string, shown?: string): void {
    this.write(text);
    this.lastShown = shown === undefined ? undefined : { displayId: shown, rows: rowsOf(text, this.columns()) };
  }

  private add(output: Output): void {
    if (this.clearPending) {
      this.cell.outputs = [];
      this.clearPending = false;
    }
    const last = this.cell.outputs[this.cell.outputs.length - 1];
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      last.text = joinSource(last.text) + joinSource(output.text);
      return;
    }
    this.cell.outputs.push(output);
  }

  stream(name: 'stdout' | 'stderr', text: string): void {
    this.add({ output_type: 'stream', name, text });
    this.print(text);
  }

  display(data: MimeBundle, metadata: Metadata = {}, displayId?: string): void {
    const output = { output_type: 'display_data' as const, data, metadata };
    this.add(output);
    if (displayId) this.displays.set(displayId, [...(this.displays.get(displayId) ?? []), output]);
    if (annotationKindOf(metadata)) this.print(terminalAnnotation(terminalText(data), this.styled));
    else this.print(terminalText(data).replace(/\n?$/, '\n'), displayId);
  }

  updateDisplay(displayId: string, data: MimeBundle, metadata: Metadata = {}): void {
    const outputs = this.displays.get(displayId) ?? [];
    for (const output of outputs) {
      output.data = data;
      output.metadata = metadata;
    }
    if (outputs.length === 0) return;
    const text = terminalText(data).replace(/\n?$/, '\n');
    if (!this.styled) {
      this.updated.set(displayId, data);
    } else if (this.lastShown?.displayId === displayId) {
      // Up to the first row of the old value, and clear from there down.
      this.print(`\x1b[${this.lastShown.rows}F\x1b[J${text}`, displayId);
    } else {
      this.print(`\x1b[2m${UPDATED}\x1b[0m${text}`, displayId);
    }
  }

  /** The cell ended: off a terminal, the last value of each display it updated. */
  finish(): void {
    for (const data of this.updated.values()) this.print(`${UPDATED}${terminalText(data).replace(/\n?$/, '\n')}`);
    this.updated.clear();
  }

  clearOutput(wait: boolean): void {
    if (wait) this.clearPending = true;
    else this.cell.outputs = [];
  }

  executeResult(data: MimeBundle, metadata: Metadata = {}): void {
    this.add({ output_type: 'execute_result', data, metadata, execution_count: this.cell.execution_count });
    this.print(`Out[${this.cell.execution_count ?? ' '}]: ${terminalText(data).replace(/\n?$/, '\n')}`);
  }

  input(): Promise<string> {
    return Promise.reject(new StdinNotAllowedError());
  }
}
