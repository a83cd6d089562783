/**
 * The resource guard: caps on what this kernel's commands (and its TypeScript
 * executor) may take, so a fork loop or a leak cannot take the machine down,
 * and the means to end all of it however the kernel ends.
 *
 * Processes: the pids cgroup binds root (RLIMIT_NPROC does not). The kernel
 * gets <pids group>/sockbook-<pid>-<n> with pids.max = the limit, and every
 * helper puts itself in a child group run-<helper pid> with a little less, so
 * that one runaway command still leaves room for the next one.
 * Memory: the memory cgroup's limit for the kernel as a whole (v1:
 * memory.limit_in_bytes, v2: memory.max), else RLIMIT_AS on each command.
 * Output past the relay cap is kept in a directory of this kernel, each file
 * capped, removed at shutdown.
 *
 * Ending: shutdown and restart kill everything left in the groups before
 * removing them; when the kernel itself is killed, a reaper process
 * (native/c/sockbook-reaper.c) outside the groups does it.
 *
 * The executor child adopts the kernel's guard (SOCKBOOK_GUARD, set by the
 * kernel when it starts it) instead of making groups of its own.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nativeArtifact } from '../paths';
import { byteSizeFromEnvironment } from './byte-size';
import { createGroup, killGroup, machineHierarchy, readOomKills, type CgroupDir, type CgroupVersion, type ControllerHierarchy } from './cgroup-files';
import { readSetting, type SettingName } from '../base/settings';

export const DEFAULT_MAX_PROCS = 512;
export const DEFAULT_MAX_MEMORY = 2 * 1024 ** 3;
export const DEFAULT_MAX_KEPT_OUTPUT = 64 * 1024 ** 2;
/** How the kernel hands its guard to the executor child. */
export const GUARD_ENV: SettingName = 'SOCKBOOK_GUARD';

export interface ProcessGuard {
  kind: 'cgroup' | 'rlimit';
  /** The kernel's pids cgroup directory (kind 'cgroup'). */
  cgroupDir?: string;
  cgroupVersion?: CgroupVersion;
  maxProcs: number;
  /** The memory limit in bytes, null when turned off (SOCKBOOK_MAX_MEMORY=none). */
  maxMemory: number | null;
  /** How the memory limit holds: the kernel's memory cgroup, or RLIMIT_AS per command. */
  memory?: CgroupDir;
  /** Where output past the relay cap is kept. */
  keptOutputDir: string;
  /** Bytes kept per command at most. */
  maxKeptOutput: number;
  /** False in the executor child: the kernel owns the groups and removes them. */
  owned: boolean;
}

let guard: ProcessGuard | undefined;
let generation = 0;
let reaperPid: number | undefined;
let limit: number = limitFromEnvironment();
let warned = false;

function limitFromEnvironment(): number {
  const raw = readSetting('SOCKBOOK_MAX_PROCS');
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

/** Groups left by kernels that died without cleaning up (and without a reaper): killed and removed. */
function removeStaleGroups(parent: string, version: CgroupVersion): void {
  for (const name of fs.readdirSync(parent)) {
    const m = /^sockbook-(\d+)(?:-\d+)?$/.exec(name);
    if (!m || Number(m[1]) === process.pid || fs.existsSync(`/proc/${m[1]}`)) continue;
    void killGroup({ dir: path.join(parent, name), version });
  }
}

function kernelGroup(h: ControllerHierarchy, name: string, controllers: Array<'pids' | 'memory'>, maxMemory: number | null): CgroupDir {
  removeStaleGroups(h.ownGroup, h.version);
  return createGroup(h.ownGroup, h.version, name, controllers, {
    maxProcs: controllers.includes('pids') ? limit : undefined,
    maxMemory: controllers.includes('memory') && maxMemory !== null ? maxMemory : undefined,
  });
}

function tryGroup(make: () => CgroupDir): CgroupDir | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** Starts the reaper that ends the groups if this kernel dies without doing it. */
function startReaper(groups: CgroupDir[], keptOutputDir: string): void {
  const exe = nativeArtifact('sockbook-reaper');
  if (!fs.existsSync(exe)) return;
  const args = [String(process.pid), ...groups.flatMap((g) => ['--group', String(g.version), g.dir]), '--remove', keptOutputDir];
  // Its own session: a Ctrl-C for the kernel must not end it.
  const child = spawn(exe, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
  reaperPid = child.pid;
}

function createGuard(): ProcessGuard {
  const maxMemory = byteSizeFromEnvironment('SOCKBOOK_MAX_MEMORY', DEFAULT_MAX_MEMORY, 16 * 1024 ** 2, true);
  const maxKeptOutput = byteSizeFromEnvironment('SOCKBOOK_MAX_KEPT_OUTPUT', DEFAULT_MAX_KEPT_OUTPUT, 0) ?? DEFAULT_MAX_KEPT_OUTPUT;
  const keptOutputDir = path.join(os.tmpdir(), `sockbook-kept-${process.pid}-${randomBytes(6).toString('hex')}`);
  const name = `sockbook-${process.pid}-${generation++}`;
  const pidsHierarchy = machineHierarchy('pids');
  const memoryHierarchy = maxMemory === null ? undefined : machineHierarchy('memory');
  const shared = pidsHierarchy && memoryHierarchy && pidsHierarchy.version === 2 && memoryHierarchy.version === 2 && pidsHierarchy.ownGroup === memoryHierarchy.ownGroup;
  const pids = pidsHierarchy && tryGroup(() => kernelGroup(pidsHierarchy, name, shared ? ['pids', 'memory'] : ['pids'], maxMemory));
  let memory: CgroupDir | undefined;
  if (shared) memory = pids;
  else if (memoryHierarchy) memory = tryGroup(() => kernelGroup(memoryHierarchy, name, ['memory'], maxMemory));
  const groups = [pids, memory].filter((g, i, all): g is CgroupDir => g !== undefined && all.indexOf(g) === i);
  if (groups.length > 0) startReaper(groups, keptOutputDir);
  const made: ProcessGuard = {
    kind: pids ? 'cgroup' : 'rlimit',
    cgroupDir: pids?.dir,
    cgroupVersion: pids?.version,
    maxProcs: limit,
    maxMemory,
    memory,
    keptOutputDir,
    maxKeptOutput,
    owned: true,
  };
  if (!pids && !warned) {
    warned = true;
    // Of the guard just made: asking processGuard() here would make a second one (it is not set yet).
    process.stderr.write(`${noticeFor(made) ?? 'sockbook: no usable pids cgroup; limiting processes with RLIMIT_NPROC'}\n`);
  }
  return made;
}

/** The guard the kernel handed to this executor child, if it is one. */
function adoptedGuard(): ProcessGuard | undefined {
  const raw = process.env[GUARD_ENV];
  if (!raw) return undefined;
  try {
    const adopted = JSON.parse(raw) as ProcessGuard;
    if (typeof adopted.keptOutputDir !== 'string' || typeof adopted.maxProcs !== 'number') return undefined;
    return { ...adopted, owned: false };
  } catch {
    return undefined;
  }
}

/**
 * The guard, set up on first use. It is a handful of writes to cgroupfs,
 * done once, so it is done synchronously: a helper can then be spawned at once.
 */
export function processGuard(): ProcessGuard {
  guard ??= adoptedGuard() ?? createGuard();
  return guard;
}

/**
 * What to tell the user when nothing limits the number of processes: no
 * pids cgroup, and root, whom RLIMIT_NPROC does not bind. Undefined when a
 * limit holds.
 */
export function unlimitedProcessesNotice(): string | undefined {
  return noticeFor(processGuard());
}

function noticeFor(g: ProcessGuard): string | undefined {
  if (g.kind === 'cgroup' || process.getuid?.() !== 0) return undefined;
  return (
    'sockbook: no process limit holds in this kernel: there is no writable pids cgroup, and RLIMIT_NPROC does not bind root. ' +
    'A fork loop in a program can exhaust the machine.'
  );
}

/** The environment that makes an executor child adopt this guard. */
export function guardEnvironment(): Record<string, string> {
  return { [GUARD_ENV]: JSON.stringify(processGuard()) };
}

/** Arguments for sockbook-run that apply the guard to one helper. */
export function guardArguments(): string[] {
  const g = processGuard();
  const args = g.kind === 'cgroup' && g.cgroupDir ? ['--cgroup', g.cgroupDir, '--max-procs', String(perCommandLimit(g.maxProcs))] : ['--nproc', String(g.maxProcs)];
  // v2 groups hold both controllers: run-<pid> under the kernel's group is under its memory limit too.
  if (g.memory && g.memory.version === 1) args.push('--memory-cgroup', g.memory.dir);
  else if (!g.memory && g.maxMemory !== null) args.push('--max-memory', String(g.maxMemory));
  args.push('--tmpdir', g.keptOutputDir, '--keep-limit', String(g.maxKeptOutput));
  return args;
}

/**
 * The cgroup.procs files a process joins to be inside the kernel's groups
 * (the executor: a child group `executor`, since v2 groups with children hold no processes).
 */
export function executorGroupFiles(): string[] {
  const g = processGuard();
  const files: string[] = [];
  if (g.cgroupDir) {
    const dir = path.join(g.cgroupDir, 'executor');
    try {
      fs.mkdirSync(dir, { recursive: true });
      files.push(path.join(dir, 'cgroup.procs'));
    } catch {
      // not allowed: the executor runs outside the group
    }
  }
  if (g.memory && g.memory.dir !== g.cgroupDir) files.push(path.join(g.memory.dir, 'cgroup.procs'));
  return files;
}

/**
 * A watch on the memory limit during one command: the function it returns
 * tells, after the command, whether the limit killed something meanwhile
 * (then the limit in bytes), else undefined.
 */
export function watchMemoryLimit(): () => number | undefined {
  const g = processGuard();
  const memory = g.memory;
  if (!memory || g.maxMemory === null) return () => undefined;
  const before = readOomKills(memory);
  const maxMemory = g.maxMemory;
  return () => {
    const after = readOomKills(memory);
    return before !== undefined && after !== undefined && after > before ? maxMemory : undefined;
  };
}

/** Removes the group of a helper that has exited. */
export async function releaseHelperGroup(helperPid: number): Promise<void> {
  const dir = guard?.cgroupDir;
  if (!dir) return;
  await fs.promises.rmdir(path.join(dir, `run-${helperPid}`)).catch(() => undefined);
}

/**
 * Shutdown and restart (call after killAllStarted): kills whatever is still
 * in the kernel's groups (daemons whose helper died, a helper too slow to
 * exit, the executor), removes the groups and the kept output files. The next
 * command makes a fresh guard. In the executor child only the kernel's groups
 * are left alone.
 */
export async function removeProcessGuard(): Promise<void> {
  const g = guard;
  guard = undefined;
  if (!g || !g.owned) return;
  const groups = [g.cgroupDir && g.cgroupVersion ? { dir: g.cgroupDir, version: g.cgroupVersion } : undefined, g.memory];
  const distinct = groups.filter((d, i): d is CgroupDir => d !== undefined && groups.findIndex((o) => o?.dir === d.dir) === i);
  await Promise.all(distinct.map((d) => killGroup(d)));
  await fs.promises.rm(g.keptOutputDir, { recursive: true, force: true }).catch(() => undefined);
  if (reaperPid !== undefined) {
    try {
      process.kill(reaperPid, 'SIGKILL');
    } catch {
      // already gone
    }
    reaperPid = undefined;
  }
}
