// The processes this kernel started: every descendant of the kernel process,
// found by following the ppid links of /proc/*/stat.
import { listPids, readCommandLine, readProcText } from './proc-files';

export interface ProcessStat {
  pid: number;
  /** The executable's short name (/proc/PID/stat's second field). */
  comm: string;
  /** One letter: R, S, D, Z, T, t, X, I … */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
}

export interface ProcessNode extends ProcessStat {
  commandLine: string;
  /** Sorted by pid. */
  children: ProcessNode[];
}

/** Parses /proc/PID/stat; the comm may hold spaces and parentheses, so it ends at the last `)`. */
export function parseStat(text: string): ProcessStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 2).split(' ');
  const [state, ppid, pgrp, session] = [rest[0], Number(rest[1]), Number(rest[2]), Number(rest[3])];
  if (!Number.isInteger(pid) || !state || !Number.isInteger(ppid)) return undefined;
  return { pid, comm: text.slice(open + 1, close), state, ppid, pgrp, session };
}

export async function readStat(pid: number): Promise<ProcessStat | undefined> {
  const text = await readProcText(`/proc/${pid}/stat`);
  return text === undefined ? undefined : parseStat(text);
}

/** The process `rootPid` and all its descendants, as a tree; undefined if rootPid is gone. rootPid 0 stands for the parent outside a PID namespace. */
export async function readProcessTree(rootPid: number): Promise<ProcessNode | undefined> {
  const stats = (await Promise.all((await listPids()).map(readStat))).filter((s): s is ProcessStat => s !== undefined);
  const byParent = new Map<number, ProcessStat[]>();
  for (const stat of stats) {
    const siblings = byParent.get(stat.ppid) ?? [];
    siblings.push(stat);
    byParent.set(stat.ppid, siblings);
  }
  // 0: in a PID namespace of its own, where the kernel is outside, the processes whose parent is outside stand under it.
  const root = rootPid === 0 ? { pid: 0, comm: 'outside this PID namespace', state: 'S', ppid: 0, pgrp: 0, session: 0 } : stats.find((s) => s.pid === rootPid);
  if (!root) return undefined;
  const build = async (stat: ProcessStat, seen: Set<number>): Promise<ProcessNode> => {
    seen.add(stat.pid);
    const kids = (byParent.get(stat.pid) ?? []).filter((k) => !seen.has(k.pid)).sort((a, b) => a.pid - b.pid);
    const [commandLine, children] = await Promise.all([
      readCommandLine(stat.pid, stat.comm),
      Promise.all(kids.map((kid) => build(kid, seen))),
    ]);
    return { ...stat, commandLine, children };
  };
  return build(root, new Set());
}

/** Every node of the tree, parents before children. */
export function flattenTree(root: ProcessNode): ProcessNode[] {
  const out: ProcessNode[] = [];
  const walk = (node: ProcessNode) => {
    out.push(node);
    node.children.forEach(walk);
  };
  walk(root);
  return out;
}

const STATE_WORDS: Record<string, string> = {
  R: 'running',
  S: 'sleeping',
  D: 'disk sleep',
  Z: 'zombie',
  T: 'stopped',
  t: 'tracing stop',
  X: 'dead',
  I: 'idle',
  P: 'parked',
  W: 'paging',
  K: 'wakekill',
};

/** `S` → `S (sleeping)`. */
export function describeState(state: string): string {
  const word = STATE_WORDS[state];
  return word ? `${state} (${word})` : state;
}
