// The compile cache on disk: one directory per key holding the executable and
// what the compiler printed, restored by rename, evicted least recently used first.
// The directory is the user's own: 0700, owned by them (else it is not used),
// entries 0700 with the executable 0700 and the metadata 0600. The metadata
// holds the executable's sha256, checked on every hit.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KEY_VERSION, sha256 } from './cache-key';
import { fileStamp } from './file-stamp';
import { readSetting } from '../../base/settings';

export const DEFAULT_MAX_ENTRIES = 200;
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
const STALE_TEMP_MS = 60 * 60 * 1000;
const ENTRY_OUTPUT = 'output.bin';
const ENTRY_META = 'meta.json';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = readSetting('SOCKBOOK_CACHE_DIR', env);
  if (configured) return configured;
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'sockbook', 'compile');
}

interface EntryMeta {
  version: number;
  /** What the compiler printed (warnings), replayed on a hit. */
  output: string;
  size: number;
  /** Of the executable as stored. */
  sha256: string;
  command: string;
  created: string;
}


/**
 * Makes the cache directory (0700) or checks the one there: a directory of
 * this user that no one else can write to (mode fixed when it is ours).
 * Throws when it cannot be trusted.
 */
export async function ensureCacheDir(cacheDir: string): Promise<void> {
  await fsp.mkdir(cacheDir, { recursive: true, mode: 0o700 });
  const stat = await fsp.lstat(cacheDir);
  if (!stat.isDirectory()) throw new Error(`${cacheDir} is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) throw new Error(`${cacheDir} belongs to another user (uid ${stat.uid})`);
  if ((stat.mode & 0o077) !== 0) await fsp.chmod(cacheDir, 0o700);
}

/** Whether entries may be restored from cacheDir: it exists and passes ensureCacheDir's checks. */
export async function cacheDirTrusted(cacheDir: string): Promise<boolean> {
  const stat = await fsp.lstat(cacheDir).catch(() => undefined);
  if (!stat) return false;
  // One lstat is enough for a directory that already is as ensureCacheDir leaves it.
  const uid = process.getuid?.();
  if (stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0) return true;
  return ensureCacheDir(cacheDir).then(() => true, () => false);
}

/**
 * What this process last restored to a target, from which entry, and what the compiler had printed. While the
 * file is still exactly that, a hit of the same entry has nothing to read or write: the file is what the key says.
 */
const restored = new Map<string, { stamp: string; entryDir: string; output: string }>();

/**
 * Copy the cached output to target (via a rename, so a running old binary is not disturbed); undefined on a miss.
 * A target this process restored from the same entry and nobody changed since (its stamp) is left as it is.
 */
export async function restoreEntry(entryDir: string, target: string): Promise<string | undefined> {
  const metaFile = path.join(entryDir, ENTRY_META);
  const known = restored.get(target);
  const targetStat = await fsp.stat(target).catch(() => undefined);
  if (known && known.entryDir === entryDir && targetStat && fileStamp(targetStat) === known.stamp) {
    touch(metaFile);
    return known.output;
  }
  let meta: EntryMeta;
  try {
    meta = JSON.parse(await fsp.readFile(metaFile, 'utf8')) as EntryMeta;
    if (meta.version !== KEY_VERSION || typeof meta.output !== 'string' || typeof meta.sha256 !== 'string') return undefined;
  } catch {
    return undefined;
  }
  const written = await writeVerified(entryDir, meta.sha256, target);
  if (!written) return undefined;
  restored.set(target, { stamp: written, entryDir, output: meta.output });
  touch(metaFile);
  return meta.output;
}

/** The entry's mtime says when it was last used (for eviction); nothing waits for it. */
function touch(metaFile: string): void {
  const now = new Date();
  void fsp.utimes(metaFile, now, now).catch(() => undefined);
}

/** Writes the entry's executable to target when its hash is the one recorded; returns the new file's stamp. */
async function writeVerified(entryDir: string, expected: string, target: string): Promise<string | undefined> {
  let binary: Buffer;
  try {
    binary = await fsp.readFile(path.join(entryDir, ENTRY_OUTPUT));
  } catch {
    return undefined;
  }
  if (sha256(binary) !== expected) {
    // Damaged or replaced: never restored, and gone so the compile stores a good one.
    await fsp.rm(entryDir, { recursive: true, force: true }).catch(() => undefined);
    return undefined;
  }
  const temporary = `${target}.sockbook-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fsp.writeFile(temporary, binary, { mode: 0o755, flag: 'wx' });
    await fsp.chmod(temporary, 0o755);
    await fsp.rename(temporary, target);
    return fileStamp(await fsp.stat(target));
  } catch {
    await fsp.rm(temporary, { force: true }).catch(() => undefined);
    return undefined;
  }
}

export async function storeEntry(cacheDir: string, entryDir: string, target: string, output: string, command: string): Promise<void> {
  let binary: Buffer;
  let read: string;
  try {
    const stat = await fsp.stat(target);
    if (!stat.isFile()) return;
    // Read once: what is hashed is exactly what is stored.
    binary = await fsp.readFile(target);
    read = fileStamp(stat);
  } catch {
    return;
  }
  // Built in a temp dir and renamed into place, so a reader never sees half an entry.
  const temporary = path.join(cacheDir, `tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await ensureCacheDir(cacheDir);
    await fsp.mkdir(temporary, { mode: 0o700 });
    await fsp.writeFile(path.join(temporary, ENTRY_OUTPUT), binary, { mode: 0o700 });
    const meta: EntryMeta = { version: KEY_VERSION, output, size: binary.length, sha256: sha256(binary), command, created: new Date().toISOString() };
    await fsp.writeFile(path.join(temporary, ENTRY_META), JSON.stringify(meta), { mode: 0o600 });
    await fsp.rm(entryDir, { recursive: true, force: true });
    await fsp.rename(temporary, entryDir);
    // The target is the entry's executable while it stays as it was read: the next hit need not write it.
    const now = await fsp.stat(target).catch(() => undefined);
    if (now && fileStamp(now) === read) restored.set(target, { stamp: read, entryDir, output });
  } catch {
    // Another kernel stored the same entry at the same time, or the disk is full: not caching is fine.
  } finally {
    await fsp.rm(temporary, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Keep the most recently used entries within maxEntries and maxBytes; drop stale temp dirs. */
export async function evict(cacheDir: string, maxEntries: number, maxBytes: number): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(cacheDir);
  } catch {
    return;
  }
  const now = Date.now();
  // Every entry is looked at at once: one round trip through the thread pool, not one per entry.
  const found = await Promise.all(
    names.map(async (name): Promise<{ dir: string; used: number; size: number } | undefined> => {
      const dir = path.join(cacheDir, name);
      try {
        if (name.startsWith('tmp-')) {
          const stat = await fsp.stat(dir);
          if (now - stat.mtimeMs > STALE_TEMP_MS) await fsp.rm(dir, { recursive: true, force: true });
          return undefined;
        }
        const [meta, output] = await Promise.all([fsp.stat(path.join(dir, ENTRY_META)), fsp.stat(path.join(dir, ENTRY_OUTPUT))]);
        return { dir, used: meta.mtimeMs, size: output.size };
      } catch {
        return undefined; // a half-removed or foreign entry (or the toolchains file): left alone
      }
    }),
  );
  const entries = found.filter((entry): entry is { dir: string; used: number; size: number } => entry !== undefined);
  entries.sort((a, b) => b.used - a.used);
  let kept = 0;
  let bytes = 0;
  for (const entry of entries) {
    if (kept < maxEntries && bytes + entry.size <= maxBytes) {
      kept++;
      bytes += entry.size;
    } else {
      await fsp.rm(entry.dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}
