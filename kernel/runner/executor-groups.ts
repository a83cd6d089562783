import { promises as fsp } from 'node:fs';
import type { SettingName } from '../base/settings';

/** The cgroup.procs files the executor joins, as a JSON list (set by the kernel, read by the executor). */
export const EXECUTOR_GROUPS_ENV: SettingName = 'SOCKBOOK_EXECUTOR_GROUPS';

/**
 * Moves this process (all its threads) into each listed cgroup; the writes
 * run on libuv's thread pool while the caller goes on. A group that cannot be
 * joined is reported on `report` and left: the process then runs outside it.
 * The variable is removed, so the programs cells run do not see it.
 */
export function joinExecutorGroups(report: (text: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const listed = env[EXECUTOR_GROUPS_ENV];
  delete env[EXECUTOR_GROUPS_ENV];
  let files: unknown;
  try {
    files = JSON.parse(listed ?? '[]');
  } catch {
    files = [];
  }
  const procsFiles = Array.isArray(files) ? files.filter((f): f is string => typeof f === 'string') : [];
  return Promise.all(
    procsFiles.map((file) =>
      // "0" is the writer's own thread group: the whole executor, whichever thread writes.
      fsp.writeFile(file, '0\n').catch((error: NodeJS.ErrnoException) => report(`sockbook: cannot join ${file}: ${error.message}\n`)),
    ),
  ).then(() => undefined);
}
