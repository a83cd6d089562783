import { constants as fsConstants, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSetting } from '../base/settings';

/** How much of a notebook's directory its private copy takes, and how much of what it wrote is kept. */
export interface WorkdirLimits {
  /** A file larger than this is left out of the copy (and of what is kept). */
  maxFileBytes: number;
  /** Once the copy holds this many bytes, the remaining files are left out. */
  maxTotalBytes: number;
  /** Files, directories and links in all. */
  maxEntries: number;
}

const MiB = 1024 ** 2;

function limitFromEnvironment(name: 'SOCKBOOK_WORKDIR_MAX_FILE_MB' | 'SOCKBOOK_WORKDIR_MAX_MB' | 'SOCKBOOK_KEEP_FILES_MB', fallback: number): number {
  const value = Number(readSetting(name));
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The copy of a notebook's directory: SOCKBOOK_WORKDIR_MAX_FILE_MB (default 64) per file, SOCKBOOK_WORKDIR_MAX_MB (256) in all, 20000 entries. */
export function copyLimits(): WorkdirLimits {
  return {
    maxFileBytes: limitFromEnvironment('SOCKBOOK_WORKDIR_MAX_FILE_MB', 64) * MiB,
    maxTotalBytes: limitFromEnvironment('SOCKBOOK_WORKDIR_MAX_MB', 256) * MiB,
    maxEntries: 20000,
  };
}

/** What a run wrote, kept under --out-dir: SOCKBOOK_KEEP_FILES_MB (default 64) in all, 16 MiB per file, 2000 entries. */
export function keepLimits(): WorkdirLimits {
  return {
    maxFileBytes: Math.min(16 * MiB, limitFromEnvironment('SOCKBOOK_KEEP_FILES_MB', 64) * MiB),
    maxTotalBytes: limitFromEnvironment('SOCKBOOK_KEEP_FILES_MB', 64) * MiB,
    maxEntries: 2000,
  };
}

/** Directories the whole system shares: a notebook there does not own its neighbours. */
const SHARED_DIRECTORIES = new Set(['/', '/tmp', '/var/tmp', '/dev/shm', '/home', '/root']);

/** A file as it was when the copy was made: a file the run writes changes its size or its modification time. */
type Snapshot = Map<string, { size: number; mtimeMs: number }>;

export interface PrivateWorkdir {
  /** The run's working directory. */
  dir: string;
  /** What of the notebook's directory was not copied, and why (one line each). */
  leftOut: string[];
  snapshot: Snapshot;
}

interface Budget {
  bytes: number;
  entries: number;
}

const sizeText = (bytes: number) => (bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${bytes} bytes`);

/**
 * Copies `from` into `to`, entry by entry, within limits: regular files
 * (cloned where the file system can, copied otherwise), directories and
 * symbolic links (as links). Sockets, FIFOs and devices, entries that cannot
 * be read, other file systems mounted inside, and the paths in `exclude` are
 * left out and said so in `leftOut`. `select` may leave out more.
 */
async function copyTree(
  from: string,
  to: string,
  rel: string,
  limits: WorkdirLimits,
  budget: Budget,
  leftOut: string[],
  exclude: Set<string>,
  select: (rel: string, stat: Stats) => string | undefined,
  device: number,
  copied: (rel: string, stat: Stats) => void,
): Promise<void> {
  let entries: string[];
  try {
    entries = (await fs.readdir(from)).sort();
  } catch (error) {
    leftOut.push(`${rel || '.'}/: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return;
  }
  for (const name of entries) {
    const source = path.join(from, name);
    const target = path.join(to, name);
    const relName = rel ? `${rel}/${name}` : name;
    if (exclude.has(source)) continue;
    let stat: Stats;
    try {
      stat = await fs.lstat(source);
    } catch {
      continue; // gone meanwhile
    }
    const why = select(relName, stat);
    if (why !== undefined) {
      if (why !== '') leftOut.push(`${relName}: ${why}`);
      continue;
    }
    if (budget.entries >= limits.maxEntries) {
      leftOut.push(`${relName}: over the limit of ${limits.maxEntries} entries`);
      continue;
    }
    try {
      if (stat.isDirectory()) {
        if (stat.dev !== device) {
          leftOut.push(`${relName}/: another file system mounted here`);
          continue;
        }
        budget.entries++;
        await fs.mkdir(target, { mode: stat.mode & 0o7777 | 0o700 });
        await copyTree(source, target, relName, limits, budget, leftOut, exclude, select, device, copied);
      } else if (stat.isSymbolicLink()) {
        budget.entries++;
        await fs.symlink(await fs.readlink(source), target);
      } else if (stat.isFile()) {
        if (stat.size > limits.maxFileBytes) {
          leftOut.push(`${relName}: ${sizeText(stat.size)}, over the limit of ${sizeText(limits.maxFileBytes)} per file`);
          continue;
        }
        if (budget.bytes + stat.size > limits.maxTotalBytes) {
          leftOut.push(`${relName}: ${sizeText(stat.size)}, over the limit of ${sizeText(limits.maxTotalBytes)} in all`);
          continue;
        }
        await fs.copyFile(source, target, fsConstants.COPYFILE_FICLONE);
        await fs.chmod(target, stat.mode & 0o7777);
        budget.entries++;
        budget.bytes += stat.size;
        copied(relName, await fs.stat(target));
      } else {
        leftOut.push(`${relName}: not a regular file, directory or link`);
      }
    } catch (error) {
      leftOut.push(`${relName}: cannot be copied (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
}

export interface WorkdirOptions {
  /** Absolute paths that are not copied (the notebooks graded beside this one, the --out-dir). */
  exclude: string[];
  /** Where the working directory is made (default: the system's temporary directory). */
  parent?: string;
  limits?: WorkdirLimits;
}

/**
 * A fresh private working directory for one run of a notebook: a new
 * directory under the system's temporary directory holding a copy of the
 * notebook's directory. Other notebooks (`*.ipynb` other than this one) and
 * `.ipynb_checkpoints` are not copied, so submissions graded from one folder
 * never see each other.
 */
export async function makePrivateWorkdir(notebookFile: string, options: WorkdirOptions): Promise<PrivateWorkdir> {
  const source = path.dirname(notebookFile);
  const dir = await fs.mkdtemp(path.join(options.parent ?? os.tmpdir(), 'sockbook-run-'));
  const leftOut: string[] = [];
  const snapshot: Snapshot = new Map();
  const exclude = new Set([...options.exclude.map((p) => path.resolve(p)), dir]);
  const own = path.basename(notebookFile);
  // A folder every user and program shares is not the notebook's own: only the notebook is copied from it.
  const shared = SHARED_DIRECTORIES.has(await fs.realpath(source).catch(() => source)) || source === os.tmpdir() || source === os.homedir();
  if (shared) leftOut.push(`${source} is a directory shared by the whole system: only the notebook is copied from it`);
  const select = (rel: string, stat: Stats): string | undefined => {
    if (shared) return rel === own ? undefined : '';
    if (stat.isDirectory() && path.basename(rel) === '.ipynb_checkpoints') return '';
    if (!rel.includes('/') && rel !== own && /\.ipynb$/i.test(rel) && stat.isFile()) return '';
    return undefined;
  };
  try {
    const device = (await fs.stat(source)).dev;
    await copyTree(source, dir, '', options.limits ?? copyLimits(), { bytes: 0, entries: 0 }, leftOut, exclude, select, device, (rel, stat) =>
      snapshot.set(rel, { size: stat.size, mtimeMs: stat.mtimeMs }),
    );
  } catch (error) {
    await removeWorkdir(dir);
    throw error;
  }
  return { dir, leftOut, snapshot };
}

export interface KeptFiles {
  /** Files kept, relative to the working directory. */
  kept: string[];
  leftOut: string[];
}

/**
 * Copies what the run wrote in its working directory (files that are new or
 * changed since the copy was made, and links it made) to `dest`, within
 * limits. Nothing is written when the run wrote nothing.
 */
export async function keepWrittenFiles(workdir: PrivateWorkdir, dest: string, limits: WorkdirLimits = keepLimits()): Promise<KeptFiles> {
  const staging = `${dest}.partial-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true });
  const kept: string[] = [];
  const leftOut: string[] = [];
  const select = (rel: string, stat: Stats): string | undefined => {
    if (!stat.isFile()) return undefined;
    const before = workdir.snapshot.get(rel);
    return before && before.size === stat.size && before.mtimeMs === stat.mtimeMs ? '' : undefined;
  };
  const device = (await fs.stat(workdir.dir)).dev;
  await copyTree(workdir.dir, staging, '', limits, { bytes: 0, entries: 0 }, leftOut, new Set(), select, device, (rel) => kept.push(rel));
  await pruneEmptyDirectories(staging);
  await fs.rm(dest, { recursive: true, force: true });
  if ((await fs.readdir(staging)).length === 0) await fs.rm(staging, { recursive: true, force: true });
  else await fs.rename(staging, dest);
  return { kept, leftOut };
}

/** Directories the copy made only to reach unchanged files (none were kept in them) go. */
async function pruneEmptyDirectories(dir: string): Promise<boolean> {
  let empty = true;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && (await pruneEmptyDirectories(path.join(dir, entry.name)))) await fs.rmdir(path.join(dir, entry.name));
    else empty = false;
  }
  return empty;
}

/** Removes a working directory, making read-only directories the run left writable first. */
export async function removeWorkdir(dir: string): Promise<void> {
  try {
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    await fs.chmod(dir, 0o700).catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }
}
