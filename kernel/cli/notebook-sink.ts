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

/**
 * OutputSink for `sockbook run`: records a cell's outputs as nbformat outputs
 * (merging consecutive stream text, honouring clear_output and display ids)
 * and echoes them to the terminal as they come. Annotations are outputs of
 * their own in the notebook, and marked apart on the terminal.
 */
export class NotebookSink implements OutputSink {
  readonly allowStdin = false;
  private clearPending = false;

  constructor(
    private readonly cell: CodeCell,
    private readonly displays: DisplayRegistry,
    private readonly write: (text: string) => void,
    /** Annotations dim on a terminal; a prefix when the output is a pipe or a file. */
    private readonly styled: boolean = process.stdout.isTTY === true,
  ) {}

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
    this.write(text);
  }

  display(data: MimeBundle, metadata: Metadata = {}, displayId?: string): void {
    const output = { output_type: 'display_data' as const, data, metadata };
    this.add(output);
    if (displayId) this.displays.set(displayId, [...(this.displays.get(displayId) ?? []), output]);
    if (annotationKindOf(metadata)) this.write(terminalAnnotation(terminalText(data), this.styled));
    else this.write(terminalText(data).replace(/\n?$/, '\n'));
  }

  updateDisplay(displayId: string, data: MimeBundle, metadata: Metadata = {}): void {
    for (const output of this.displays.get(displayId) ?? []) {
      output.data = data;
      output.metadata = metadata;
    }
  }

  clearOutput(wait: boolean): void {
    if (wait) this.clearPending = true;
    else this.cell.outputs = [];
  }

  executeResult(data: MimeBundle, metadata: Metadata = {}): void {
    this.add({ output_type: 'execute_result', data, metadata, execution_count: this.cell.execution_count });
    this.write(`Out[${this.cell.execution_count ?? ' '}]: ${terminalText(data).replace(/\n?$/, '\n')}`);
  }

  input(): Promise<string> {
    return Promise.reject(new StdinNotAllowedError());
  }
}
