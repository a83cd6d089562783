// The one reader of /proc/PID/stat and the one walk of the parent links
// under /proc: the views' process tree and the session's usage_reply both
// build on it. Asynchronous; a process that ends meanwhile is left out.
import { readFile, readdir } from 'node:fs/promises';

export interface ProcessStat {
  pid: number;
  /** The executable's short name (/proc/PID/stat's second field). */
  comm: string;
  /** One letter: R, S, D, Z, T, t, X, I … */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** CPU time used, user and system, in USER_HZ ticks (100 a second). */
  ticks: number;
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
  return { pid, comm: text.slice(open + 1, close), state, ppid, pgrp, session, ticks: Number(rest[11]) + Number(rest[12]) };
}

export async function readStat(pid: number): Promise<ProcessStat | undefined> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // it ended meanwhile
  }
}

/** Every numeric entry of /proc: the pids visible to this process. */
export async function listPids(): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  return entries.filter((name) => /^\d+$/.test(name)).map(Number);
}

/** A process and its descendants, found by the ppid links of every /proc/PID/stat. */
export interface ProcessFamily {
  root: ProcessStat;
  /** Each process' children, sorted by pid. */
  childrenOf(pid: number): ProcessStat[];
  /** The root and every descendant, parents before children, each once. */
  members: ProcessStat[];
}

/**
 * The family of `rootPid`; undefined if it is gone. rootPid 0: in a PID
 * namespace of its own, where the kernel is outside, the processes whose
 * parent is outside (ppid 0) stand under a made-up root.
 */
export async function readProcessFamily(rootPid: number): Promise<ProcessFamily | undefined> {
  const stats = (await Promise.all((await listPids()).map(readStat))).filter((s): s is ProcessStat => s !== undefined);
  const byParent = new Map<number, ProcessStat[]>();
  for (const stat of stats) byParent.set(stat.ppid, [...(byParent.get(stat.ppid) ?? []), stat]);
  for (const siblings of byParent.values()) siblings.sort((a, b) => a.pid - b.pid);
  const root =
    rootPid === 0
      ? { pid: 0, comm: 'outside this PID namespace', state: 'S', ppid: 0, pgrp: 0, session: 0, ticks: 0 }
      : stats.find((s) => s.pid === rootPid);
  if (!root) return undefined;
  const childrenOf = (pid: number): ProcessStat[] => byParent.get(pid) ?? [];
  const members = [root];
  const seen = new Set([root.pid]);
  for (let i = 0; i < members.length; i++) {
    for (const child of childrenOf(members[i].pid)) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      members.push(child);
    }
  }
  return { root, childrenOf: (pid) => childrenOf(pid).filter((c) => c.pid !== rootPid), members };
}
