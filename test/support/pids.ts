import { readFileSync } from 'node:fs';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The direct children of a process, read from /proc. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** SIGTERM to each pid still alive, SIGKILL to those left after graceMs. */
export async function endPids(pids: number[], graceMs = 5000): Promise<void> {
  const left = () => pids.filter(alive);
  const signal = (name: NodeJS.Signals) => {
    for (const pid of left()) {
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
