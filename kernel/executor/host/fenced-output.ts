import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { fenceMarker } from '../protocol';

export type StreamName = 'stdout' | 'stderr';

interface StreamState {
  decoder: StringDecoder;
  /** Undecided text at the end that may be the start of a fence marker. */
  tail: string;
  /** Text and fence numbers in the order they were read. */
  segments: Array<string | number>;
}

/**
 * Reads the executor child's fd 1 and fd 2 and interleaves them with events
 * received over IPC: an event tagged with fence N is delivered once both pipes
 * have been read up to the marker N, and text after the marker waits for it.
 */
export class FencedOutput {
  private readonly streams: Record<StreamName, StreamState> = {
    stdout: { decoder: new StringDecoder('utf8'), tail: '', segments: [] },
    stderr: { decoder: new StringDecoder('utf8'), tail: '', segments: [] },
  };
  private readonly events = new Map<number, () => void>();
  private readonly markerPattern: RegExp;
  private readonly markerPrefix: string;

  constructor(nonce: string, private readonly onText: (name: StreamName, text: string) => void) {
    this.markerPrefix = fenceMarker(nonce, 0).replace(/0\u0000$/, '');
    this.markerPattern = new RegExp(`\u0000sockbook-fence:${nonce}:(\\d+)\u0000`, 'g');
  }

  attach(name: StreamName, readable: Readable): void {
    readable.on('data', (chunk: Buffer) => this.push(name, chunk));
  }

  /** Runs `deliver` once all output written before fence `fence` has been passed on. */
  expect(fence: number, deliver: () => void): void {
    this.events.set(fence, deliver);
    this.pump();
  }

  /** Passes on everything still held (the child has gone); undelivered events are dropped. */
  flushAll(): void {
    for (const name of ['stdout', 'stderr'] as const) {
      const state = this.streams[name];
      const text = state.segments.filter((s): s is string => typeof s === 'string').join('') + state.tail + state.decoder.end();
      state.segments = [];
      state.tail = '';
      if (text) this.onText(name, text);
    }
    this.events.clear();
  }

  private push(name: StreamName, chunk: Buffer): void {
    const state = this.streams[name];
    const text = state.tail + state.decoder.write(chunk);
    let last = 0;
    this.markerPattern.lastIndex = 0;
    for (let m = this.markerPattern.exec(text); m; m = this.markerPattern.exec(text)) {
      if (m.index > last) state.segments.push(text.slice(last, m.index));
      state.segments.push(Number(m[1]));
      last = m.index + m[0].length;
    }
    const rest = text.slice(last);
    const held = this.possibleMarkerStart(rest);
    if (held > 0) state.segments.push(rest.slice(0, held));
    state.tail = rest.slice(held);
    this.pump();
  }

  /** Index from which `text` could still turn into a marker (text.length when it cannot). */
  private possibleMarkerStart(text: string): number {
    const at = text.lastIndexOf('\u0000');
    if (at < 0) return text.length;
    return this.couldBeMarker(text.slice(at)) ? at : text.length;
  }

  private couldBeMarker(text: string): boolean {
    if (this.markerPrefix.startsWith(text)) return true;
    return text.startsWith(this.markerPrefix) && /^\d*$/.test(text.slice(this.markerPrefix.length));
  }

  private pump(): void {
    for (;;) {
      for (const name of ['stdout', 'stderr'] as const) {
        const state = this.streams[name];
        let text = '';
        while (state.segments.length > 0 && typeof state.segments[0] === 'string') text += state.segments.shift() as string;
        if (text) this.onText(name, text);
      }
      const out = this.streams.stdout.segments[0];
      const err = this.streams.stderr.segments[0];
      if (typeof out !== 'number' || out !== err) return;
      const deliver = this.events.get(out);
      if (!deliver) return;
      this.events.delete(out);
      this.streams.stdout.segments.shift();
      this.streams.stderr.segments.shift();
      deliver();
    }
  }
}
