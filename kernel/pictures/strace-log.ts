// Parses what `strace -f -tt -T -o FILE` writes: one line per system call,
// prefixed by the pid, with the wall-clock time and, at the end, the time
// spent in the call. A call another process interrupts is split into
// `<unfinished ...>` and `<... NAME resumed>` lines; they are joined here.

export type StraceEvent =
  | { kind: 'call'; pid: number; time: number; name: string; args: string; result: string; duration: number }
  | { kind: 'signal'; pid: number; time: number; signal: string; from?: number }
  | { kind: 'exit'; pid: number; time: number; how: string }
  | { kind: 'fork'; pid: number; time: number; child: number }
  | { kind: 'exec'; pid: number; time: number; program: string };

export interface StraceTrace {
  /** Every event, in the order of the log (which is the order of time). */
  events: StraceEvent[];
  /** The processes seen, in order of first appearance. */
  pids: number[];
  /** The program each process executed last (from execve), for the lanes' names. */
  programs: Record<number, string>;
  /** Lines that are none of the forms above (strace's own notes), kept for the text. */
  unparsed: string[];
}

/** `10:00:00.123456` → seconds since midnight. */
function secondsOf(clock: string): number {
  const [h, m, s] = clock.split(':');
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

const LINE = /^(\d+)\s+(\d\d:\d\d:\d\d\.\d+)\s+(.*)$/;
const FINISHED = /^(.*)\)\s+=\s+(.+?)(?:\s+<(\d+\.\d+)>)?$/;
const FORKS = new Set(['fork', 'vfork', 'clone', 'clone3']);

export function parseStraceLog(text: string): StraceTrace {
  const events: StraceEvent[] = [];
  const pids: number[] = [];
  const programs: Record<number, string> = {};
  const unparsed: string[] = [];
  const pending = new Map<number, { time: number; name: string; args: string }>();
  const see = (pid: number) => {
    if (!pids.includes(pid)) pids.push(pid);
  };
  const finish = (pid: number, time: number, name: string, args: string, rest: string) => {
    const done = FINISHED.exec(rest);
    const result = done ? done[2] : '?';
    const duration = done?.[3] ? Number(done[3]) : 0;
    const allArgs = args + (done ? done[1] : rest.replace(/\s+=\s+\?$/, '').replace(/\)$/, ''));
    events.push({ kind: 'call', pid, time, name, args: allArgs, result, duration });
    const value = Number(result.split(' ')[0]);
    if (FORKS.has(name) && Number.isInteger(value) && value > 0) {
      events.push({ kind: 'fork', pid, time: time + duration, child: value });
      see(value);
      // A child runs its parent's program until it executes one of its own.
      if (programs[pid] !== undefined) programs[value] ??= programs[pid];
    }
    if (name === 'execve' && value === 0) {
      const program = /^"([^"]*)"/.exec(allArgs)?.[1] ?? '?';
      programs[pid] = program;
      events.push({ kind: 'exec', pid, time: time + duration, program });
    }
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match) {
      unparsed.push(line);
      continue;
    }
    const pid = Number(match[1]);
    const time = secondsOf(match[2]);
    const body = match[3];
    see(pid);
    let m: RegExpExecArray | null;
    if ((m = /^--- (SIG\w+) (.*) ---$/.exec(body))) {
      const from = /si_pid=(\d+)/.exec(m[2])?.[1];
      events.push({ kind: 'signal', pid, time, signal: m[1], ...(from ? { from: Number(from) } : {}) });
    } else if ((m = /^\+\+\+ (.*) \+\+\+$/.exec(body))) {
      events.push({ kind: 'exit', pid, time, how: m[1] });
    } else if ((m = /^<\.\.\. (\w+) resumed>\s?(.*)$/.exec(body))) {
      const start = pending.get(pid);
      pending.delete(pid);
      finish(pid, start?.time ?? time, m[1], start?.args ?? '', m[2]);
    } else if ((m = /^(\w+)\((.*?)\s*<unfinished \.\.\.>$/.exec(body))) {
      pending.set(pid, { time, name: m[1], args: m[2] });
    } else if ((m = /^(\w+)\((.*)$/.exec(body))) {
      finish(pid, time, m[1], '', m[2]);
    } else {
      unparsed.push(line);
    }
  }
  // A call still unfinished at the end (the process was killed in it) is kept with no result.
  for (const [pid, call] of pending) events.push({ kind: 'call', pid, time: call.time, name: call.name, args: call.args, result: '?', duration: 0 });
  return { events, pids, programs, unparsed };
}
