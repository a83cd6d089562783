import type { Metadata, MimeBundle, OutputSink } from '../../kernel/interpreter/output-sink';
import { StdinNotAllowedError } from '../../kernel/interpreter/output-sink';

export type SinkRecord =
  | { type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { type: 'display'; data: MimeBundle; metadata?: Metadata; displayId?: string }
  | { type: 'update'; displayId: string; data: MimeBundle }
  | { type: 'clear'; wait: boolean }
  | { type: 'result'; data: MimeBundle }
  | { type: 'input'; prompt: string };

/** An OutputSink that remembers what a cell showed, in order (adjacent stream text merged). */
export class MemorySink implements OutputSink {
  readonly records: SinkRecord[] = [];

  constructor(readonly allowStdin = false, private readonly answers: string[] = []) {}

  stream(name: 'stdout' | 'stderr', text: string): void {
    const last = this.records[this.records.length - 1];
    if (last?.type === 'stream' && last.name === name) last.text += text;
    else this.records.push({ type: 'stream', name, text });
  }

  display(data: MimeBundle, metadata?: Metadata, displayId?: string): void {
    this.records.push({ type: 'display', data, metadata, displayId });
  }

  updateDisplay(displayId: string, data: MimeBundle): void {
    this.records.push({ type: 'update', displayId, data });
  }

  clearOutput(wait: boolean): void {
    this.records.push({ type: 'clear', wait });
  }

  executeResult(data: MimeBundle): void {
    this.records.push({ type: 'result', data });
  }

  input(prompt: string): Promise<string> {
    this.records.push({ type: 'input', prompt });
    if (!this.allowStdin) return Promise.reject(new StdinNotAllowedError());
    return Promise.resolve(this.answers.shift() ?? '');
  }

  text(name: 'stdout' | 'stderr'): string {
    return this.records
      .filter((r): r is Extract<SinkRecord, { type: 'stream' }> => r.type === 'stream' && r.name === name)
      .map((r) => r.text)
      .join('');
  }

  /** The text/plain of the execute_result, if there was one. */
  result(): string | undefined {
    const result = this.records.find((r) => r.type === 'result');
    return result?.type === 'result' ? String(result.data['text/plain']) : undefined;
  }
}
