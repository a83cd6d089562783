import { readdirSync, readFileSync } from 'node:fs';
import { isAlive } from './processes';

/** A process as recorded at one moment: its pid and start time, so a reused pid is never mistaken for it. */
export interface ProcessRef {
  pid: number;
  startTime: string | undefined;
}

/** Field 22 of /proc/PID/stat (after the parenthesised command name, which may hold spaces). */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function processRef(pid: number): ProcessRef {
  return { pid, startTime: startTimeOf(pid) };
}

/** The process recorded is still alive (a zombie counts as dead: see processes.ts), and its pid was not reused. */
function stillAlive(ref: ProcessRef): boolean {
  return ref.startTime !== undefined && isAlive(ref.pid) && startTimeOf(ref.pid) === ref.startTime;
}

/** The direct children of a process, read from /proc. */
export function childProcesses(pid: number): ProcessRef[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map((p) => processRef(Number(p)));
  } catch {
    return [];
  }
}

/** Every process under pid (not pid itself), parents first: the children of each of its threads, and theirs. */
export function descendantPids(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue; // it ended meanwhile
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
        found.push(...children);
        queue.push(...children);
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return found;
}

/** SIGTERM to each process still alive, SIGKILL to those left after graceMs. */
export async function endProcesses(refs: ProcessRef[], graceMs = 5000): Promise<void> {
  const left = () => refs.filter(stillAlive);
  const signal = (name: NodeJS.Signals) => {
    for (const { pid } of left()) {
      try {
        process.kill(pid, name);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (left().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  signal('SIGKILL');
}
