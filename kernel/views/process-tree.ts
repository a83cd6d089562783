// The processes this kernel started: every descendant of the kernel process,
// found by following the ppid links of /proc/*/stat (kernel/base/proc-stat.ts).
import { readProcessFamily, type ProcessStat } from '../base/proc-stat';
import { readCommandLine } from './proc-files';

export type { ProcessStat } from '../base/proc-stat';
export { parseStat, readStat } from '../base/proc-stat';

export interface ProcessNode extends ProcessStat {
  commandLine: string;
  /** Sorted by pid. */
  children: ProcessNode[];
}

/** The process `rootPid` and all its descendants, as a tree; undefined if rootPid is gone. rootPid 0 stands for the parent outside a PID namespace. */
export async function readProcessTree(rootPid: number): Promise<ProcessNode | undefined> {
  const family = await readProcessFamily(rootPid);
  if (!family) return undefined;
  const build = async (stat: ProcessStat, seen: Set<number>): Promise<ProcessNode> => {
    seen.add(stat.pid);
    const kids = family.childrenOf(stat.pid).filter((k) => !seen.has(k.pid));
    const [commandLine, children] = await Promise.all([
      readCommandLine(stat.pid, stat.comm),
      Promise.all(kids.map((kid) => build(kid, seen))),
    ]);
    return { ...stat, commandLine, children };
  };
  return build(family.root, new Set());
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
