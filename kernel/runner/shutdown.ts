import { endSpare } from './helper-process';
import { removeProcessGuard } from './process-guard';
import { killAllStarted } from './registry';

/** Kernel shutdown: ends every process commands started, then removes the guard's cgroup. */
export async function shutdownRunner(): Promise<void> {
  await Promise.all([killAllStarted(), endSpare()]);
  await removeProcessGuard();
}
