// The identity of a compiler: the content of its driver and of the programs
// the driver runs (cc1, cc1plus, collect2, as, ld), as the driver itself
// names them (`-print-prog-name`). An upgrade that replaces any of them
// changes the key. Content hashes are computed again when a file's stamp
// (file-stamp.ts) changes. They are kept per process and, given a file in the
// compile cache, across kernels: hashing cc1 and cc1plus (70 MB) and asking
// the driver for its programs would cost the first compile of every kernel
// about 150 ms.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { fileStamp } from './file-stamp';

const PROGRAMS = ['cc1', 'cc1plus', 'collect2', 'as', 'ld'];
/** Environment variables that change which programs the driver runs. */
const DRIVER_ENV = ['PATH', 'COMPILER_PATH', 'GCC_EXEC_PREFIX'];

export interface ProgramIdentity {
  name: string;
  /** The resolved file, null when the driver runs no such program. */
  path: string | null;
  sha256: string | null;
}

type ProgramPaths = Array<{ name: string; path: string | null }>;

const contentHashes = new Map<string, { stamp: string; sha256: string }>();
const programPaths = new Map<string, Promise<ProgramPaths>>();

/** What the known-hashes file holds (written by this module only). */
interface KnownToolchains {
  version: 1;
  hashes: Record<string, { stamp: string; sha256: string }>;
  programs: Record<string, ProgramPaths>;
}

/** Known-hashes files read by this process: each is read once. */
const readFiles = new Map<string, Promise<void>>();

/** Adds what a known-hashes file holds to this process' maps (a missing or malformed file adds nothing). */
function readKnown(file: string): Promise<void> {
  let read = readFiles.get(file);
  if (!read) {
    read = fsp
      .readFile(file, 'utf8')
      .then((text) => learn(JSON.parse(text) as Partial<KnownToolchains>))
      .catch(() => undefined);
    readFiles.set(file, read);
  }
  return read;
}

/** What this process knows already wins over a file's older word. */
function learn(known: Partial<KnownToolchains>): void {
  if (known.version !== 1) return;
  for (const [name, entry] of Object.entries(known.hashes ?? {})) {
    if (typeof entry?.stamp === 'string' && typeof entry.sha256 === 'string' && !contentHashes.has(name)) contentHashes.set(name, entry);
  }
  for (const [key, programs] of Object.entries(known.programs ?? {})) {
    if (Array.isArray(programs) && !programPaths.has(key)) programPaths.set(key, Promise.resolve(programs));
  }
}

/** Writes this process' hashes and program lists (atomically: a reader sees the old file or the new one). */
async function writeKnown(file: string): Promise<void> {
  const programs: Record<string, ProgramPaths> = {};
  for (const [key, paths] of programPaths) programs[key] = await paths;
  const known: KnownToolchains = { version: 1, hashes: Object.fromEntries(contentHashes), programs };
  // Named as the cache's temporary entries are, so a leftover is cleaned up with them.
  const temporary = path.join(path.dirname(file), `tmp-${process.pid}-${randomBytes(6).toString('hex')}-${path.basename(file)}`);
  try {
    await fsp.writeFile(temporary, JSON.stringify(known), { mode: 0o600 });
    await fsp.rename(temporary, file);
  } catch {
    await fsp.rm(temporary, { force: true }).catch(() => undefined);
  }
}

/** How many hashes this process computed: a change means the known-hashes file is behind. */
let hashesComputed = 0;


/** The sha256 of a file's content, computed again only when the file changed. */
async function fileHash(file: string): Promise<string> {
  const stat = await fsp.stat(file);
  const known = contentHashes.get(file);
  if (known && known.stamp === fileStamp(stat)) return known.sha256;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  contentHashes.set(file, { stamp: fileStamp(stat), sha256 });
  hashesComputed++;
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

async function resolvePrograms(driver: string, env: NodeJS.ProcessEnv): Promise<ProgramPaths> {
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
 * and environment; their content is checked every time. `knownFile` (in a
 * trusted compile cache) keeps both for the next kernel.
 */
export async function toolchainIdentity(driver: string, env: NodeJS.ProcessEnv, knownFile?: string): Promise<{ driver: string; sha256: string; programs: ProgramIdentity[] }> {
  if (knownFile) await readKnown(knownFile);
  return identify(driver, env);
}

/** What was last written to each known-hashes file (how many hashes and program lists). */
const written = new Map<string, string>();

/** Writes the known-hashes file when this process learnt something since it last did. */
export async function saveKnownToolchains(file: string): Promise<void> {
  const state = `${hashesComputed}:${programPaths.size}`;
  if (written.get(file) === state) return;
  written.set(file, state);
  await writeKnown(file);
}

async function identify(driver: string, env: NodeJS.ProcessEnv): Promise<{ driver: string; sha256: string; programs: ProgramIdentity[] }> {
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
