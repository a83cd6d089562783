// The arguments of the picture magics: %tcpstates, %strace, %packets and
// %ps --tree. One parser for the kernel's line magics and the executor's
// functions' documentation; each returns the options or a usage error.

export interface TcpStatesArgs {
  /** Keep the diagram updated in place while later cells run. */
  live: boolean;
  /** How long a live diagram keeps updating (s). */
  seconds: number;
  /** Stop the live diagram now. */
  stop: boolean;
}

export interface TraceArgs {
  command: string;
  /** Where the raw log goes (relative to the notebook's directory). */
  logFile: string;
  /** Draw every call, the loader's too. */
  all: boolean;
  maxEvents: number;
}

export interface PacketsArgs {
  command: string;
  /** Where tcpdump's text goes (relative to the notebook's directory). */
  logFile: string;
  maxSegments: number;
}

export const TCPSTATES_USAGE = 'usage: %tcpstates [--live [SECONDS]] | %tcpstates --stop';
export const STRACE_USAGE = 'usage: %strace [-o LOGFILE] [--all] [--max-events N] CMD';
export const PACKETS_USAGE = 'usage: %packets [-o LOGFILE] [--max-segments N] CMD';

export const DEFAULT_LIVE_SECONDS = 120;
export const DEFAULT_STRACE_LOG = 'strace.log';
export const DEFAULT_PACKETS_LOG = 'packets.log';
export const DEFAULT_MAX_EVENTS = 1500;
export const DEFAULT_MAX_SEGMENTS = 200;

export function parseTcpStatesArgs(argument: string): TcpStatesArgs | string {
  const words = argument.split(/\s+/).filter(Boolean);
  if (words.length === 0) return { live: false, seconds: DEFAULT_LIVE_SECONDS, stop: false };
  if (words.length === 1 && words[0] === '--stop') return { live: false, seconds: 0, stop: true };
  if (words[0] === '--live' && words.length <= 2) {
    const seconds = words[1] === undefined ? DEFAULT_LIVE_SECONDS : Number(words[1]);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86400) return `${TCPSTATES_USAGE} (SECONDS: a positive number, got ${words[1]})`;
    return { live: true, seconds, stop: false };
  }
  return `${TCPSTATES_USAGE}, got: ${argument}`;
}

/** Leading options (`-o FILE`, `--all`, `--max-events N` …), then the command as written. */
function leadingOptions(argument: string, takesValue: ReadonlySet<string>, flags: ReadonlySet<string>): { options: Map<string, string>; command: string } | string {
  const options = new Map<string, string>();
  let rest = argument.trim();
  for (;;) {
    const m = /^(--?[\w-]+)(?:\s+|$)/.exec(rest);
    if (!m || (!takesValue.has(m[1]) && !flags.has(m[1]))) break;
    rest = rest.slice(m[0].length);
    if (flags.has(m[1])) {
      options.set(m[1], '');
      continue;
    }
    const value = /^(\S+)(?:\s+|$)/.exec(rest);
    if (!value) return `${m[1]} needs a value`;
    options.set(m[1], value[1]);
    rest = rest.slice(value[0].length);
  }
  if (rest.startsWith('-- ')) rest = rest.slice(3).trim();
  return { options, command: rest };
}

function positiveInteger(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export function parseStraceArgs(argument: string): TraceArgs | string {
  const parsed = leadingOptions(argument, new Set(['-o', '--max-events']), new Set(['--all']));
  if (typeof parsed === 'string') return `${STRACE_USAGE} (${parsed})`;
  if (parsed.command === '') return `${STRACE_USAGE}: which command to trace?`;
  const maxEvents = positiveInteger(parsed.options.get('--max-events'), DEFAULT_MAX_EVENTS);
  if (maxEvents === undefined) return `${STRACE_USAGE} (--max-events takes a positive whole number)`;
  return { command: parsed.command, logFile: parsed.options.get('-o') ?? DEFAULT_STRACE_LOG, all: parsed.options.has('--all'), maxEvents };
}

export function parsePacketsArgs(argument: string): PacketsArgs | string {
  const parsed = leadingOptions(argument, new Set(['-o', '--max-segments']), new Set());
  if (typeof parsed === 'string') return `${PACKETS_USAGE} (${parsed})`;
  if (parsed.command === '') return `${PACKETS_USAGE}: which command's traffic to capture?`;
  const maxSegments = positiveInteger(parsed.options.get('--max-segments'), DEFAULT_MAX_SEGMENTS);
  if (maxSegments === undefined) return `${PACKETS_USAGE} (--max-segments takes a positive whole number)`;
  return { command: parsed.command, logFile: parsed.options.get('-o') ?? DEFAULT_PACKETS_LOG, maxSegments };
}
