import { endSpares } from './helper-process';
import { removeProcessGuard } from './process-guard';
import { killAllStarted } from './registry';

/**
 * Kernel shutdown and restart: asks every helper to end what its command
 * started, then kills whatever is still in the guard's cgroups (a daemon
 * whose helper died, a helper too slow to exit, the executor), removes them,
 * and deletes the kept output files.
 */
export async function shutdownRunner(): Promise<void> {
  await Promise.all([killAllStarted(), endSpares()]);
  await removeProcessGuard();
}
