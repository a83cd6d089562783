/**
 * Content-addressed cache for `%run gcc x.c -o x.exe`-style commands, so that
 * re-running an unchanged cell does not run the compiler again.
 *
 * The key covers everything the output depends on that can change between
 * runs in a notebook: the compiler (the content of its driver and of the
 * programs it runs: cc1, collect2, as, ld), the full argv, the cwd (it is in
 * the debug info), the compiler-relevant environment, the content of every
 * input file, of every local header reached through `#include "…"` (and
 * `<…>` found in a local -I dir or a directory of CPATH, C_INCLUDE_PATH,
 * CPLUS_INCLUDE_PATH, OBJC_INCLUDE_PATH), recursively, of response files
 * (`@file`), linker scripts (`-T`), local libraries (`-L dir -lname`,
 * LIBRARY_PATH) and a --sysroot's headers and libraries. System headers and
 * libraries are not keyed: they change only with the compiler's packages.
 * The key is computed again after the compile, and the entry stored only
 * when it is the same: a file changed meanwhile may be what was compiled.
 *
 * The cache directory is the user's own (0700, files 0600 and 0700); a hit
 * checks the stored executable's hash before restoring it.
 *
 * Only simple commands are cached: a plain word list (no pipes,
 * redirections, `;`, `&&`, `$`, quotes, backquotes, globs) that compiles and
 * links (not -c/-E/-S/-M…, nothing that writes side files). Everything else
 * is `{ cacheable: false }` and runs normally.
 */
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import { compileKey } from './cache-key';
import { saveKnownToolchains } from './toolchain-identity';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, cacheDirTrusted, defaultCacheDir, evict, restoreEntry, storeEntry } from './cache-store';
import { expandResponseFiles, parseCompileCommand, type CompileInvocation } from './gcc-command';

export { defaultCacheDir } from './cache-store';

/** Stores (with their eviction) not finished yet: callers need not wait for them, later lookups do. */
const storing = new Set<Promise<void>>();
export { parseCompileCommand, type CompileInvocation } from './gcc-command';

export type CompileCacheLookup =
  | { cacheable: false; reason: string }
  | { cacheable: true; hit: true; output: string }
  | { cacheable: true; hit: false; store(output: string, exitCode: number): Promise<void> };

export interface CompileCacheOptions {
  /** Default: $SOCKBOOK_CACHE_DIR, else $XDG_CACHE_HOME/sockbook/compile, else ~/.cache/sockbook/compile. */
  cacheDir?: string;
  /** The environment the command runs with (PATH, CPATH, LANG, …). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Anything else that changes the compiler's output text, e.g. 'pty' when it runs under a terminal (colours). */
  variant?: string;
  /** Entries kept (newest used first). Default 200. */
  maxEntries?: number;
  /** Bytes of executables kept. Default 200 MiB. */
  maxBytes?: number;
}

/**
 * Look a compile command up. A hit has already restored the output file
 * (mode 0755); the caller shows `output` instead of running the command.
 * On a miss the caller runs the command and then calls `store` with what
 * it printed and its exit code (only exit code 0 is stored).
 */
export async function lookupCompile(command: string, cwd: string, options: CompileCacheOptions = {}): Promise<CompileCacheLookup> {
  try {
    return await lookup(command, cwd, options);
  } catch (error) {
    // An unreadable file or cache dir: the command just runs uncached.
    return { cacheable: false, reason: `compile cache unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The invocation with its response files read and their words parsed in. */
async function expanded(invocation: CompileInvocation, cwd: string): Promise<CompileInvocation | string> {
  if (invocation.responseFiles.length === 0) return invocation;
  const contents = new Map<string, string>();
  for (const file of invocation.responseFiles) {
    const text = await fsp.readFile(path.resolve(cwd, file), 'utf8').catch(() => undefined);
    if (text === undefined) return `response file ${file} cannot be read`;
    contents.set(file, text);
  }
  return expandResponseFiles(invocation, contents);
}

/** In the cache directory: the toolchain's hashes, so a new kernel does not hash the compiler again. */
const KNOWN_TOOLCHAINS = 'toolchains.json';

async function keyOf(parsed: CompileInvocation, cwd: string, env: NodeJS.ProcessEnv, variant: string, knownToolchains: string | undefined): Promise<{ key: string; invocation: CompileInvocation } | string> {
  const invocation = await expanded(parsed, cwd);
  if (typeof invocation === 'string') return invocation;
  const key = await compileKey(invocation, cwd, env, variant, knownToolchains);
  if (knownToolchains) void saveKnownToolchains(knownToolchains);
  return typeof key === 'string' ? { key, invocation } : key.reason;
}

async function lookup(command: string, cwd: string, options: CompileCacheOptions): Promise<CompileCacheLookup> {
  const env = options.env ?? process.env;
  const absoluteCwd = path.resolve(cwd);
  const variant = options.variant ?? '';
  const cacheDir = path.resolve(options.cacheDir ?? defaultCacheDir(env));
  // Most commands are no compile: they are told so before anything is read.
  const parsed = parseCompileCommand(command);
  if (typeof parsed === 'string') return { cacheable: false, reason: parsed };
  const trusted = await cacheDirTrusted(cacheDir);
  const knownToolchains = trusted ? path.join(cacheDir, KNOWN_TOOLCHAINS) : undefined;
  const keyed = await keyOf(parsed, absoluteCwd, env, variant, knownToolchains);
  if (typeof keyed === 'string') return { cacheable: false, reason: keyed };
  const { key, invocation } = keyed;
  const entryDir = path.join(cacheDir, key);
  const target = path.resolve(absoluteCwd, invocation.output);

  // A store still writing this cache (it runs after its command, off the cell's path) is seen by the lookup after it.
  if (storing.size > 0) await Promise.all(storing);
  const restored = trusted ? await restoreEntry(entryDir, target) : undefined;
  if (restored !== undefined) return { cacheable: true, hit: true, output: restored };

  return {
    cacheable: true,
    hit: false,
    store: (output: string, exitCode: number): Promise<void> => {
      if (exitCode !== 0) return Promise.resolve();
      const stored = (async () => {
        // What was compiled is what the key says only if no input changed since it was computed.
        const after = await keyOf(parsed, absoluteCwd, env, variant, knownToolchains).catch(() => undefined);
        if (typeof after !== 'object' || after.key !== key) return;
        await storeEntry(cacheDir, entryDir, target, output, command.trim());
      })().finally(() => storing.delete(stored));
      storing.add(stored);
      // A lookup waits for the entry only; the eviction scan and the toolchain file come after, on their own.
      return stored.then(async () => {
        await saveKnownToolchains(path.join(cacheDir, KNOWN_TOOLCHAINS)); // the first store made the directory
        await evict(cacheDir, options.maxEntries ?? DEFAULT_MAX_ENTRIES, options.maxBytes ?? DEFAULT_MAX_BYTES);
      });
    },
  };
}
