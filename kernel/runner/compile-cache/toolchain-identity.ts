// The identity of a compiler: the content of its driver and of the programs
// the driver runs (cc1, cc1plus, collect2, as, ld), as the driver itself
// names them (`-print-prog-name`). An upgrade that replaces any of them
// changes the key. Content hashes are kept per process and computed again
// when a file's size, mtime or inode changes.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';

const PROGRAMS = ['cc1', 'cc1plus', 'collect2', 'as', 'ld'];
/** Environment variables that change which programs the driver runs. */
const DRIVER_ENV = ['PATH', 'COMPILER_PATH', 'GCC_EXEC_PREFIX'];

export interface ProgramIdentity {
  name: string;
  /** The resolved file, null when the driver runs no such program. */
  path: string | null;
  sha256: string | null;
}

const contentHashes = new Map<string, { stamp: string; sha256: string }>();
const programPaths = new Map<string, Promise<Array<{ name: string; path: string | null }>>>();

const stampOf = (stat: Stats): string => `${stat.size}:${stat.mtimeMs}:${stat.ino}:${stat.dev}`;

/** The sha256 of a file's content, computed again only when the file changed. */
async function fileHash(file: string): Promise<string> {
  const stat = await fsp.stat(file);
  const known = contentHashes.get(file);
  if (known && known.stamp === stampOf(stat)) return known.sha256;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  contentHashes.set(file, { stamp: stampOf(stat), sha256 });
  return sha256;
}

/** A program name found in PATH (what the driver does for a bare name it prints). */
async function inPath(name: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(':').filter((d) => d !== '')) {
    const candidate = path.join(dir, name);
    try {
      await fsp.access(candidate, 1 /* X_OK */);
      return await fsp.realpath(candidate);
    } catch {
      // not here
    }
  }
  return null;
}

function printProgName(driver: string, name: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    execFile(driver, [`-print-prog-name=${name}`], { env, timeout: 10000 }, (error, stdout) => resolve(error ? name : stdout.trim()));
  });
}

async function resolvePrograms(driver: string, env: NodeJS.ProcessEnv): Promise<Array<{ name: string; path: string | null }>> {
  return Promise.all(
    PROGRAMS.map(async (name) => {
      const printed = await printProgName(driver, name, env);
      const file = printed.includes('/') ? await fsp.realpath(printed).catch(() => null) : await inPath(printed, env);
      return { name, path: file };
    }),
  );
}

/**
 * The driver (a resolved path) and the programs it runs, each with the hash
 * of its content. Which programs it runs is asked once per driver version
 * and environment; their content is checked every time.
 */
export async function toolchainIdentity(driver: string, env: NodeJS.ProcessEnv): Promise<{ driver: string; sha256: string; programs: ProgramIdentity[] }> {
  const sha256 = await fileHash(driver);
  const key = JSON.stringify([driver, sha256, DRIVER_ENV.map((name) => env[name] ?? null)]);
  let paths = programPaths.get(key);
  if (!paths) {
    paths = resolvePrograms(driver, env);
    programPaths.set(key, paths);
  }
  const programs = await Promise.all(
    (await paths).map(async ({ name, path: file }) => ({ name, path: file, sha256: file === null ? null : await fileHash(file).catch(() => null) })),
  );
  return { driver, sha256, programs };
}
