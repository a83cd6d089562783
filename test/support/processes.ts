// Processes as the tests see them, read synchronously from /proc.
//
// Liveness has one meaning here: a process is alive until it has ended. A
// zombie counts as dead: it has ended, and only its exit status waits for its
// parent. Whether even the zombie is gone (its parent reaped it) is another
// question, asked with isReaped.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseStat } from '../../kernel/base/proc-stat';

/** The state letter of /proc/PID/stat (R, S, Z …), undefined when there is no such process. */
function stateOf(pid: number): string | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.state;
  } catch {
    return undefined;
  }
}

/** True until the process has ended; a zombie (or a dying process, X) counts as dead. */
export function isAlive(pid: number): boolean {
  const state = stateOf(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** True once nothing of the process is left, not even a zombie: its parent (or init) has reaped it. */
export function isReaped(pid: number): boolean {
  return !existsSync(`/proc/${pid}`);
}

/** The live processes (not this one) whose command line holds `text`. */
export function processesWith(text: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!/^\d+$/.test(name) || pid === process.pid || !isAlive(pid)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) found.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Polls `check` every 50 ms until it holds (true) or `timeoutMs` has passed (false). */
export async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
