import type { HistoryRows, Received } from '../wire/content';
import { globMatches } from './glob';

/** One executed cell as history_request returns it. */
export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

/** A history_request as read (every field optional). */
export type HistoryQuery = Received<'history_request'>;

/**
 * The inputs this kernel executed with store_history, numbered by execution
 * count, in session 1 (the only session a kernel process has). The three
 * access types of history_request: tail, range and search.
 */
export class HistoryStore {
  private readonly entries: HistoryEntry[] = [];
  static readonly SESSION = 1;

  add(line: number, input: string): void {
    this.entries.push({ session: HistoryStore.SESSION, line, input, output: null });
  }

  setOutput(line: number, output: string): void {
    const entry = this.entries.find((e) => e.line === line);
    if (entry) entry.output = output;
  }

  query(q: HistoryQuery): HistoryRows {
    const found = this.select(q);
    return q.output
      ? found.map((e): [number, number, [string, string | null]] => [e.session, e.line, [e.input, e.output]])
      : found.map((e): [number, number, string] => [e.session, e.line, e.input]);
  }

  private select(q: HistoryQuery): HistoryEntry[] {
    switch (q.hist_access_type) {
      case 'tail':
        return q.n && q.n > 0 ? this.entries.slice(-q.n) : this.entries.slice();
      case 'range': {
        // session 0 (or 1, or a negative offset to 'this' session) means the current one; there is no other.
        if (q.session !== undefined && q.session > HistoryStore.SESSION) return [];
        const start = q.start ?? 1;
        const stop = q.stop ?? Number.POSITIVE_INFINITY;
        return this.entries.filter((e) => e.line >= start && e.line < stop);
      }
      case 'search': {
        const pattern = q.pattern ?? '*';
        let found = this.entries.filter((e) => globMatches(pattern, e.input));
        if (q.unique) {
          const seen = new Set<string>();
          found = found.reverse().filter((e) => !seen.has(e.input) && seen.add(e.input) !== undefined).reverse();
        }
        return q.n && q.n > 0 ? found.slice(-q.n) : found;
      }
      default:
        return [];
    }
  }
}
