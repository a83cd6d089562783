/**
 * The cgroup file operations of the process guard, for both cgroup versions:
 * finding a controller's hierarchy, making a kernel's group with its limits,
 * reading its OOM kills, and killing everything in a group before removing it.
 * v1 mounts one hierarchy per controller (pids and memory apart); v2 mounts
 * one for all, where a group with processes cannot hand controllers down.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type CgroupVersion = 1 | 2;
export type Controller = 'pids' | 'memory';

/** Where a controller's groups are: the mount, and the group this process is in under it. */
export interface ControllerHierarchy {
  controller: Controller;
  version: CgroupVersion;
  /** The directory of this process' own group (the parent of the kernel's group). */
  ownGroup: string;
}

/** A cgroup directory and its version. */
export interface CgroupDir {
  dir: string;
  version: CgroupVersion;
}

/**
 * A controller's hierarchy from /proc/self/mounts and /proc/self/cgroup
 * texts; readControllers(mount) gives a v2 mount's cgroup.controllers.
 * A v1 mount of the controller wins over v2 (hybrid hosts use v1 for it).
 */
export function findHierarchy(
  controller: Controller,
  mountsText: string,
  cgroupText: string,
  readControllers: (mount: string) => string | undefined,
): ControllerHierarchy | undefined {
  const mounts = mountsText.split('\n').map((line) => line.split(' '));
  const groups = cgroupText.split('\n').map((line) => line.split(':'));
  const under = (mount: string, groupPath: string | undefined): string => (groupPath === undefined ? mount : path.join(mount, groupPath));
  for (const [, mountPoint, type, options] of mounts) {
    if (type !== 'cgroup' || !options?.split(',').includes(controller)) continue;
    const own = groups.find(([, controllers]) => controllers?.split(',').includes(controller));
    return { controller, version: 1, ownGroup: under(mountPoint, own?.[2]) };
  }
  for (const [, mountPoint, type] of mounts) {
    if (type !== 'cgroup2') continue;
    if (!(readControllers(mountPoint) ?? '').split(/\s+/).includes(controller)) continue;
    const own = groups.find(([id, controllers]) => id === '0' && controllers === '');
    return { controller, version: 2, ownGroup: under(mountPoint, own?.[2]) };
  }
  return undefined;
}

/** The hierarchy of a controller on this machine, when one is mounted and our group is visible in it. */
export function machineHierarchy(controller: Controller): ControllerHierarchy | undefined {
  const read = (file: string): string | undefined => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const found = findHierarchy(controller, read('/proc/self/mounts') ?? '', read('/proc/self/cgroup') ?? '', (mount) =>
    read(path.join(mount, 'cgroup.controllers')),
  );
  return found && fs.existsSync(found.ownGroup) ? found : undefined;
}

export interface GroupLimits {
  maxProcs?: number;
  /** Bytes of memory (and no swap beyond it), when the group limits memory. */
  maxMemory?: number;
}

function writeFile(dir: string, file: string, text: string): void {
  fs.writeFileSync(path.join(dir, file), `${text}\n`);
}

/** Writes a limit that the group may lack (swap accounting off): leaving it out is fine. */
function writeOptional(dir: string, file: string, text: string): void {
  try {
    writeFile(dir, file, text);
  } catch {
    // not accounted here
  }
}

/**
 * Makes `parent/name` for the given controllers (all in the same hierarchy)
 * and writes its limits. On v2 the parent must hand the controllers down,
 * and so must the new group, whose processes live in child groups.
 */
export function createGroup(parent: string, version: CgroupVersion, name: string, controllers: Controller[], limits: GroupLimits): CgroupDir {
  const dir = path.join(parent, name);
  const enable = controllers.map((c) => `+${c}`).join(' ');
  if (version === 2) writeFile(parent, 'cgroup.subtree_control', enable);
  fs.mkdirSync(dir, { recursive: true });
  if (version === 2) writeFile(dir, 'cgroup.subtree_control', enable);
  if (controllers.includes('pids') && limits.maxProcs !== undefined) writeFile(dir, 'pids.max', String(limits.maxProcs));
  if (controllers.includes('memory') && limits.maxMemory !== undefined) {
    if (version === 2) {
      writeFile(dir, 'memory.max', String(limits.maxMemory));
      writeOptional(dir, 'memory.swap.max', '0');
    } else {
      writeFile(dir, 'memory.limit_in_bytes', String(limits.maxMemory));
      writeOptional(dir, 'memory.memsw.limit_in_bytes', String(limits.maxMemory));
    }
  }
  return { dir, version };
}

/** How many processes the memory limit of the group (and its children) has killed so far. */
export function readOomKills(group: CgroupDir): number | undefined {
  const file = group.version === 2 ? 'memory.events' : 'memory.oom_control';
  try {
    const text = fs.readFileSync(path.join(group.dir, file), 'utf8');
    const m = /^oom_kill (\d+)$/m.exec(text);
    if (m) return Number(m[1]);
    // Older v1 kernels have no kill count: the limit's failure count is the next best sign.
    return group.version === 1 ? Number(fs.readFileSync(path.join(group.dir, 'memory.failcnt'), 'utf8').trim()) : undefined;
  } catch {
    return undefined;
  }
}

/** The group's directories, deepest first. */
async function groupTree(dir: string): Promise<string[]> {
  const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => []);
  const below = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => groupTree(path.join(dir, e.name))));
  return [...below.flat(), dir];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function membersOf(dirs: string[]): Promise<number[]> {
  const lists = await Promise.all(dirs.map((d) => fs.promises.readFile(path.join(d, 'cgroup.procs'), 'utf8').catch(() => '')));
  return lists
    .join('\n')
    .split('\n')
    .filter((s) => s !== '')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Kills every process in the group and its children, then removes them.
 * v2: one write to cgroup.kill (the kernel catches forks in flight). v1 has no
 * such file: SIGKILL to each pid of cgroup.procs, round after round, until
 * none is left (a process forking meanwhile is caught in the next round).
 * Returns the pids that were still alive when it gave up (empty: all gone).
 */
export async function killGroup(group: CgroupDir, patienceMs = 5000): Promise<number[]> {
  const dirs = await groupTree(group.dir);
  const killFile = path.join(group.dir, 'cgroup.kill');
  const oneWrite = group.version === 2 && fs.existsSync(killFile);
  if (oneWrite) await fs.promises.writeFile(killFile, '1\n').catch(() => undefined);
  const deadline = Date.now() + patienceMs;
  let left = await membersOf(dirs);
  while (left.length > 0 && Date.now() < deadline) {
    if (!oneWrite) {
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await sleep(10);
    left = await membersOf(dirs);
  }
  for (const dir of dirs) await fs.promises.rmdir(dir).catch(() => undefined);
  return left;
}
