/**
 * The resource guard: a cap on the processes this kernel's commands may
 * create, so a fork loop cannot take the machine down. The pids cgroup binds
 * root (RLIMIT_NPROC does not): the kernel gets <pids cgroup>/sockbook-<pid>
 * with pids.max = the limit, and every helper puts itself in a child group
 * run-<helper pid> with a little less, so that one runaway command still
 * leaves room for the next one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_MAX_PROCS = 512;

export interface ProcessGuard {
  kind: 'cgroup' | 'rlimit';
  /** The kernel's cgroup directory (kind 'cgroup'). */
  cgroupDir?: string;
  maxProcs: number;
}

let guard: ProcessGuard | undefined;
let limit: number = limitFromEnvironment();
let warned = false;

function limitFromEnvironment(): number {
  const raw = process.env.SOCKBOOK_MAX_PROCS;
  if (raw === undefined || raw === '') return DEFAULT_MAX_PROCS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 8) {
    process.stderr.write(`sockbook: SOCKBOOK_MAX_PROCS=${raw} is not an integer >= 8; using ${DEFAULT_MAX_PROCS}\n`);
    return DEFAULT_MAX_PROCS;
  }
  return n;
}

/** Room kept for other commands when one command uses all it may. */
function perCommandLimit(max: number): number {
  return Math.max(4, max - Math.max(8, Math.floor(max / 8)));
}

/** Sets the kernel's process limit (before or after the guard exists). */
export function setProcessLimit(maxProcs: number): void {
  if (!Number.isInteger(maxProcs) || maxProcs < 8) throw new Error(`process limit must be an integer >= 8, got ${maxProcs}`);
  limit = maxProcs;
  if (guard) {
    guard.maxProcs = maxProcs;
    if (guard.cgroupDir) fs.writeFileSync(path.join(guard.cgroupDir, 'pids.max'), `${maxProcs}\n`);
  }
}

interface PidsHierarchy {
  mount: string;
  version: 1 | 2;
}

function findPidsHierarchy(): PidsHierarchy | undefined {
  const mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n');
  for (const line of mounts) {
    const [, mountPoint, type, options] = line.split(' ');
    if (type === 'cgroup' && options?.split(',').includes('pids')) return { mount: mountPoint, version: 1 };
  }
  for (const line of mounts) {
    const [, mountPoint, type] = line.split(' ');
    if (type !== 'cgroup2') continue;
    try {
      if (fs.readFileSync(path.join(mountPoint, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('pids')) {
        return { mount: mountPoint, version: 2 };
      }
    } catch {
      // not readable: not usable
    }
  }
  return undefined;
}

/** Our own group in that hierarchy, when it is visible under the mount. */
function ownGroup(h: PidsHierarchy): string {
  const lines = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  for (const line of lines) {
    const [id, controllers, groupPath] = line.split(':');
    const ours = h.version === 2 ? id === '0' && controllers === '' : controllers?.split(',').includes('pids');
    if (ours && groupPath !== undefined) {
      const dir = path.join(h.mount, groupPath);
      if (fs.existsSync(dir)) return dir;
    }
  }
  return h.mount;
}

/** Groups left by kernels that died without cleaning up. */
function removeStaleGroups(parent: string): void {
  for (const name of fs.readdirSync(parent)) {
    const m = /^sockbook-(\d+)$/.exec(name);
    if (!m || Number(m[1]) === process.pid || fs.existsSync(`/proc/${m[1]}`)) continue;
    removeGroupTree(path.join(parent, name));
  }
}

function removeGroupTree(dir: string): void {
  try {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) removeGroupTree(path.join(dir, entry.name));
    }
    fs.rmdirSync(dir);
  } catch {
    // still in use, or already gone
  }
}

function createCgroupGuard(): ProcessGuard | undefined {
  const h = findPidsHierarchy();
  if (!h) return undefined;
  const parent = ownGroup(h);
  if (h.version === 2) {
    // Children get the pids controller only if the parent hands it down.
    fs.writeFileSync(path.join(parent, 'cgroup.subtree_control'), '+pids\n');
  }
  removeStaleGroups(parent);
  const dir = path.join(parent, `sockbook-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  if (h.version === 2) fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), '+pids\n');
  fs.writeFileSync(path.join(dir, 'pids.max'), `${limit}\n`);
  return { kind: 'cgroup', cgroupDir: dir, maxProcs: limit };
}

/**
 * The guard, set up on first use. It is a handful of writes to cgroupfs,
 * done once, so it is done synchronously: a helper can then be spawned at once.
 */
export function processGuard(): ProcessGuard {
  if (guard) return guard;
  try {
    guard = createCgroupGuard();
  } catch {
    guard = undefined;
  }
  if (!guard) {
    guard = { kind: 'rlimit', maxProcs: limit };
    if (!warned) {
      warned = true;
      process.stderr.write(
        'sockbook: no usable pids cgroup; limiting processes with RLIMIT_NPROC only, which does not bind root\n',
      );
    }
  }
  return guard;
}

/** Arguments for sockbook-run that apply the guard to one helper. */
export function guardArguments(): string[] {
  const g = processGuard();
  if (g.kind === 'cgroup' && g.cgroupDir) {
    return ['--cgroup', g.cgroupDir, '--max-procs', String(perCommandLimit(g.maxProcs))];
  }
  return ['--nproc', String(g.maxProcs)];
}

/** Removes the group of a helper that has exited. */
export async function releaseHelperGroup(helperPid: number): Promise<void> {
  const dir = guard?.cgroupDir;
  if (!dir) return;
  await fs.promises.rmdir(path.join(dir, `run-${helperPid}`)).catch(() => undefined);
}

/** Shutdown: removes the kernel's group (call after killAllStarted). */
export async function removeProcessGuard(): Promise<void> {
  const dir = guard?.cgroupDir;
  guard = undefined;
  if (!dir) return;
  const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.isDirectory()) await fs.promises.rmdir(path.join(dir, e.name)).catch(() => undefined);
  }
  await fs.promises.rmdir(dir).catch(() => undefined);
}
