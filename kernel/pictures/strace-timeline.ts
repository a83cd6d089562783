// %strace CMD: the trace as a timeline, one lane per process. A call that
// took long enough to see is a bar (a blocking accept, read, epoll_wait,
// wait4 …), the others are ticks; fork and exec are arrows between lanes,
// signals and exits are marks. Drawn with Vega-Lite.
import { DEFAULT_MAX_EVENTS } from '../cells/picture-args';
import { VEGA_LITE_SCHEMA } from './picture-bundle';
import type { StraceEvent, StraceTrace } from './strace-log';

/** A call that lasted this long (s) or more is drawn as a bar: it blocked. */
export const BLOCKING_S = 0.001;

const CATEGORIES: [string, string[]][] = [
  ['network', ['socket', 'socketpair', 'bind', 'listen', 'accept', 'accept4', 'connect', 'shutdown', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'setsockopt', 'getsockopt', 'getsockname', 'getpeername']],
  ['read/write', ['read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'sendfile', 'splice', 'pipe', 'pipe2', 'dup', 'dup2', 'dup3', 'close']],
  ['waiting', ['epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'poll', 'ppoll', 'select', 'pselect6', 'wait4', 'waitid', 'nanosleep', 'clock_nanosleep', 'restart_syscall', 'pause', 'rt_sigsuspend', 'sigsuspend', 'futex']],
  ['processes', ['clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'kill', 'tgkill', 'tkill', 'setsid', 'setpgid', 'getpgid', 'getsid', 'prctl']],
  ['signals', ['rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'signalfd', 'signalfd4', 'sigaltstack', 'alarm']],
];

const CATEGORY_OF = new Map(CATEGORIES.flatMap(([category, names]) => names.map((name) => [name, category] as const)));

/** The teaching category of a system call; 'other' for the loader's mmap, openat, brk …. */
export function categoryOf(name: string): string {
  return CATEGORY_OF.get(name) ?? 'other';
}

export interface TimelineOptions {
  /** Draw every call, the loader's too (default: the calls of the categories above, and every blocking call). */
  all?: boolean;
  maxEvents?: number;
}

/** One row of the chart's data. */
export interface TimelineMark {
  kind: 'call' | 'block' | 'signal' | 'exit' | 'fork' | 'exec';
  lane: string;
  /** ms since the trace began. */
  t: number;
  t2?: number;
  /** For fork and exec arrows: the lane the arrow points to. */
  lane2?: string;
  category: string;
  label: string;
}

export interface Timeline {
  marks: TimelineMark[];
  lanes: string[];
  /** Events left out: over the cap. */
  leftOut: number;
  /** Calls not drawn because they are the loader's and the like (`all` draws them). */
  hidden: number;
  /** The total number of events in the trace. */
  total: number;
}

function laneName(trace: StraceTrace, pid: number): string {
  const program = trace.programs[pid];
  return program ? `${pid} ${program.split('/').pop()}` : `${pid}`;
}

function shown(event: StraceEvent, all: boolean): boolean {
  if (event.kind !== 'call') return true;
  return all || categoryOf(event.name) !== 'other' || event.duration >= BLOCKING_S;
}

function short(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The calls of the \`bash -c CMD\` that strace started, before bash executed
 * CMD in its place: not the student's program. (When CMD is a pipeline or a
 * list, bash stays and forks, and its calls are kept.)
 */
function wrapperEvents(trace: StraceTrace): Set<StraceEvent> {
  const first = trace.pids[0];
  const own = trace.events.filter((event) => event.pid === first);
  const execs = own.filter((event) => event.kind === 'exec');
  if (execs.length < 2 || !/(^|\/)bash$/.test((execs[0] as { program: string }).program)) return new Set();
  // The parser puts each exec mark right after its execve call: keep that call and what follows.
  const execveCall = own.indexOf(execs[1] as StraceEvent) - 1;
  return new Set(own.slice(0, execveCall));
}

export function buildTimeline(trace: StraceTrace, options: TimelineOptions = {}): Timeline {
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  const wrapper = wrapperEvents(trace);
  // By start time: a call resumed after another process' calls is logged where it ended.
  const candidates = trace.events
    .filter((event) => !wrapper.has(event) && shown(event, options.all === true))
    .map((event, order) => ({ event, order }))
    .sort((a, b) => a.event.time - b.event.time || a.order - b.order)
    .map(({ event }) => event);
  const kept = candidates.slice(0, maxEvents);
  // Time 0 is the first call drawn (the wrapper's calls before it are not).
  const start = kept[0]?.time ?? 0;
  const ms = (seconds: number) => Math.round((seconds - start) * 1e6) / 1e3;
  const marks: TimelineMark[] = kept.map((event) => {
    const lane = laneName(trace, event.pid);
    switch (event.kind) {
      case 'call': {
        const label = `${event.name}(${short(event.args)}) = ${short(event.result, 30)}`;
        const category = categoryOf(event.name);
        return event.duration >= BLOCKING_S
          ? { kind: 'block', lane, t: ms(event.time), t2: ms(event.time + event.duration), category, label: `${label} <${event.duration.toFixed(6)} s>` }
          : { kind: 'call', lane, t: ms(event.time), category, label };
      }
      case 'fork':
        return { kind: 'fork', lane, t: ms(event.time), lane2: laneName(trace, event.child), category: 'processes', label: `fork → ${event.child}` };
      case 'exec':
        return { kind: 'exec', lane, t: ms(event.time), category: 'processes', label: `exec ${event.program.split('/').pop()}` };
      case 'signal':
        return { kind: 'signal', lane, t: ms(event.time), category: 'signals', label: event.signal + (event.from ? ` from ${event.from}` : '') };
      case 'exit':
        return { kind: 'exit', lane, t: ms(event.time), category: 'processes', label: event.how };
    }
  });
  return {
    marks,
    lanes: trace.pids.map((pid) => laneName(trace, pid)),
    leftOut: candidates.length - kept.length,
    hidden: trace.events.length - wrapper.size - candidates.length,
    total: trace.events.length,
  };
}

/** What the picture leaves out, in one line (empty when nothing is). */
export function leftOutNote(timeline: Timeline): string {
  const parts: string[] = [];
  if (timeline.leftOut > 0) parts.push(`${timeline.leftOut} of ${timeline.total} events left out after the first ${timeline.marks.length} (--max-events N draws more)`);
  if (timeline.hidden > 0) parts.push(`${timeline.hidden} calls of the loader and the like (mmap, openat, brk …) not drawn (--all draws them)`);
  return parts.join('; ');
}

const COLORS = { domain: ['network', 'read/write', 'waiting', 'processes', 'signals', 'other'], range: ['#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#d62728', '#9e9e9e'] };

export function timelineSpec(timeline: Timeline, title: string): object {
  const y = { field: 'lane', type: 'nominal', title: 'process', sort: timeline.lanes, scale: { domain: timeline.lanes } };
  const x = { field: 't', type: 'quantitative', title: 'ms since the first call' };
  const color = { field: 'category', type: 'nominal', title: 'system calls', scale: COLORS };
  const tooltip = [{ field: 'label', type: 'nominal', title: 'event' }, { field: 't', type: 'quantitative', title: 'ms' }];
  const only = (...kinds: string[]) => ({ filter: { field: 'kind', oneOf: kinds } });
  const note = leftOutNote(timeline);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: note ? { text: title, subtitle: note } : title,
    width: 640,
    height: { step: 36 },
    data: { values: timeline.marks },
    // Below the chart, so labels near the right end do not run into it.
    config: { legend: { orient: 'bottom', columns: 6 } },
    encoding: { y },
    layer: [
      { transform: [only('block')], mark: { type: 'bar', height: 14, opacity: 0.55 }, encoding: { x, x2: { field: 't2' }, color, tooltip } },
      { transform: [only('call')], mark: { type: 'tick', thickness: 1.5, size: 18 }, encoding: { x, color, tooltip } },
      { transform: [only('fork')], mark: { type: 'rule', strokeWidth: 1.5, color: '#9467bd', strokeDash: [4, 2] }, encoding: { x, y2: { field: 'lane2' }, tooltip } },
      { transform: [only('fork', 'exec')], mark: { type: 'point', shape: 'triangle-down', filled: true, size: 70, color: '#9467bd' }, encoding: { x, tooltip } },
      { transform: [only('exec')], mark: { type: 'text', dy: -14, align: 'left', fontSize: 10, color: '#6a3d9a' }, encoding: { x, text: { field: 'label' } } },
      { transform: [only('signal')], mark: { type: 'point', shape: 'diamond', filled: true, size: 90, color: '#d62728' }, encoding: { x, tooltip } },
      { transform: [only('signal')], mark: { type: 'text', dy: 14, align: 'left', fontSize: 10, color: '#d62728' }, encoding: { x, text: { field: 'label' } } },
      { transform: [only('exit')], mark: { type: 'point', shape: 'cross', filled: true, size: 80, color: '#000000' }, encoding: { x, tooltip } },
    ],
  };
}

/** The text lists at most this many events (a terminal is not the place for thousands); the picture and the log have them all. */
const TEXT_LINES = 300;

/** The trace as text: one line per drawn event, lane by lane in time order. */
export function timelineText(timeline: Timeline, title: string, logFile: string): string {
  const lines = [title, `lanes: ${timeline.lanes.join(' | ')}`];
  for (const mark of timeline.marks.slice(0, TEXT_LINES)) {
    const time = mark.t.toFixed(3).padStart(10);
    const span = mark.t2 !== undefined ? ` (blocked ${(mark.t2 - mark.t).toFixed(3)} ms)` : '';
    lines.push(`${time} ms  ${mark.lane.padEnd(18)} ${mark.kind === 'call' || mark.kind === 'block' ? '' : `[${mark.kind}] `}${mark.label}${span}`);
  }
  if (timeline.marks.length > TEXT_LINES) lines.push(`… ${timeline.marks.length - TEXT_LINES} more events in the picture`);
  const note = leftOutNote(timeline);
  if (note) lines.push(note);
  lines.push(`raw log: ${logFile}`);
  return lines.join('\n');
}
