import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Content-addressed cache for `%run gcc x.c -o x.exe`-style commands, so that
 * re-running an unchanged cell does not run the compiler again.
 *
 * The key covers everything the output depends on that can change between
 * runs in a notebook: the compiler (its resolved path, size and mtime — a
 * package upgrade replaces the driver), the full argv, the cwd (it is in the
 * debug info), the compiler-relevant environment, the content of every
 * input file, of every local header reached through `#include "…"` (and
 * `<…>` found in a local -I dir), recursively, and of local libraries
 * (`-L dir -lname`). System headers and libraries are not keyed: they change
 * only with the compiler's packages.
 *
 * Only simple commands are cached: a plain word list (no pipes,
 * redirections, `;`, `&&`, `$`, quotes, backquotes, globs) that compiles and
 * links (not -c/-E/-S/-M…, nothing that writes side files). Everything else
 * is `{ cacheable: false }` and runs normally.
 */

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

const KEY_VERSION = 1;
const DEFAULT_MAX_ENTRIES = 200;
const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
const MAX_DEPENDENCIES = 2000;
const STALE_TEMP_MS = 60 * 60 * 1000;
const ENTRY_OUTPUT = 'output.bin';
const ENTRY_META = 'meta.json';

/** Environment variables that change what gcc/clang produce or print. */
const KEYED_ENV = [
  'PATH', 'CPATH', 'C_INCLUDE_PATH', 'CPLUS_INCLUDE_PATH', 'OBJC_INCLUDE_PATH', 'LIBRARY_PATH',
  'GCC_EXEC_PREFIX', 'COMPILER_PATH', 'SOURCE_DATE_EPOCH', 'LANG', 'LANGUAGE', 'LC_ALL',
  'LC_MESSAGES', 'LC_CTYPE', 'GCC_COLORS', 'GCC_URLS', 'TERM',
];

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SOCKBOOK_CACHE_DIR) return env.SOCKBOOK_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'sockbook', 'compile');
}

// ---------------------------------------------------------------- parsing

/** What a cacheable compile command reads and writes. */
export interface CompileInvocation {
  /** The words of the command, the compiler first. */
  argv: string[];
  compiler: string;
  /** Input files as written (relative to cwd or absolute). */
  inputs: string[];
  /** The output file as written (`a.out` when no -o). */
  output: string;
  /** -I / -isystem / -idirafter directories, searched for "…" and <…>. */
  includeDirs: string[];
  /** -iquote directories, searched for "…" only. */
  quoteDirs: string[];
  libDirs: string[];
  libs: string[];
}

const COMPILER_NAME = /^(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-\d+(?:\.\d+)*)?$/;
/** Characters of a plain word list: anything else may be shell syntax. */
const SIMPLE_COMMAND = /^[A-Za-z0-9_\-./=+,:%^ \t]+$/;
/** Options whose value is the next word (or glued on). */
const OPTIONS_WITH_VALUE = new Set([
  '-o', '-I', '-L', '-l', '-D', '-U', '-x', '-iquote', '-isystem', '-idirafter', '-iprefix', '-iwithprefix',
  '-iwithprefixbefore', '-isysroot', '-imultilib', '-Xlinker', '-Xassembler', '-Xpreprocessor', '-u', '-e', '-z',
  '--param',
]);
/** Modes that do not link into the output, print instead of compiling, or write side files. */
const REJECTED_OPTIONS = new Set([
  '-c', '-E', '-S', '-M', '-MM', '-MD', '-MMD', '-MG', '-MP', '-MF', '-MT', '-MQ', '-v', '-###', '--help', '--version',
  '-save-temps', '-dumpversion', '-dumpmachine', '-dumpspecs', '-dumpfullversion', '--coverage', '-ftest-coverage',
  '-fprofile-arcs', '-include', '-imacros', '-B', '-wrapper', '-specs', '-T', '-aux-info', '-fsyntax-only',
  '-fstack-usage', '-gsplit-dwarf', '-flto-report', '-fcallgraph-info', '-fplugin', '-print-search-dirs',
]);
const REJECTED_PREFIXES = [
  '-save-temps=', '-print-', '-dump', '-fdump-', '-fprofile-', '-fopt-info', '-specs=', '-fplugin=', '-B', '-MF',
  '-MT', '-MQ', '-Wp,-M', '-fcallgraph-info', '-Wa,-a', '--help=', '-T', '@',
];
const LINKER_INPUT = /\.(?:o|a|so(?:\.\d+)*)$/;

/** Parse a command line; a string is the reason it is not cacheable. */
export function parseCompileCommand(command: string): CompileInvocation | string {
  const text = command.trim();
  if (text === '') return 'empty command';
  if (!SIMPLE_COMMAND.test(text)) return 'not a plain word list (shell syntax, quotes or globs)';
  const argv = text.split(/[ \t]+/);
  const compiler = argv[0];
  if (!COMPILER_NAME.test(path.basename(compiler))) return `not a gcc/g++/cc/c++ command: ${compiler}`;
  const invocation: CompileInvocation = {
    argv, compiler, inputs: [], output: 'a.out', includeDirs: [], quoteDirs: [], libDirs: [], libs: [],
  };
  let outputSeen = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      if (arg === '-') return 'reads the source from stdin';
      invocation.inputs.push(arg);
      continue;
    }
    if (REJECTED_OPTIONS.has(arg)) return `option ${arg} is not a plain compile-and-link`;
    const option = OPTIONS_WITH_VALUE.has(arg) ? arg : gluedOption(arg);
    if (option === undefined) {
      if (REJECTED_PREFIXES.some((prefix) => arg.startsWith(prefix))) return `option ${arg} is not a plain compile-and-link`;
      continue;
    }
    let value: string;
    if (option === arg) {
      if (i + 1 >= argv.length) return `option ${arg} lacks its value`;
      value = argv[++i];
    } else {
      value = arg.slice(option.length);
    }
    switch (option) {
      case '-o':
        if (outputSeen) return 'more than one -o';
        if (value === '-') return 'writes to stdout';
        outputSeen = true;
        invocation.output = value;
        break;
      case '-I':
      case '-isystem':
      case '-idirafter':
        invocation.includeDirs.push(value);
        break;
      case '-iquote':
        invocation.quoteDirs.push(value);
        break;
      case '-L':
        invocation.libDirs.push(value);
        break;
      case '-l':
        invocation.libs.push(value);
        break;
    }
  }
  if (invocation.inputs.length === 0) return 'no input files';
  return invocation;
}

/** `-Iinclude` → `-I`, `-lm` → `-l`, `-DDEBUG` → `-D`, `-ox` → `-o`; undefined for other options. */
function gluedOption(arg: string): string | undefined {
  for (const option of ['-I', '-L', '-l', '-D', '-U', '-o', '-x']) {
    if (arg.startsWith(option) && arg.length > option.length) return option;
  }
  for (const option of ['-iquote', '-isystem', '-idirafter']) {
    if (arg.startsWith(option) && arg.length > option.length) return option;
  }
  return undefined;
}

// ---------------------------------------------------------------- keying

interface FileDigest {
  path: string;
  /** sha256 of the content, or null when the file does not exist. */
  sha256: string | null;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await fsp.readFile(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR') || isErrno(error, 'EISDIR')) return null;
    throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

/** Directories of the system toolchain: their headers change only with packages. */
function isSystemPath(dir: string): boolean {
  return /^\/(?:usr|lib|lib32|lib64|opt|etc)(?:\/|$)/.test(dir);
}

/** `#include "x"`, `#include <x>`, `#include_next`, `#import`, `#embed`, and asm `.include "x"` / `.incbin "x"`. */
const DIRECTIVE = /^[ \t]*#[ \t]*(?:include_next|include|import|embed)[ \t]*(?:"([^"\n]+)"|<([^>\n]+)>|(\S?))/gm;
const ASM_DIRECTIVE = /^[ \t]*\.(?:include|incbin)[ \t]+"([^"\n]+)"/gm;

interface Reference {
  name: string;
  quoted: boolean;
}

/** The files a source text refers to; a string when one is computed by a macro. */
function referencesOf(text: string): Reference[] | string {
  const references: Reference[] = [];
  for (const match of text.matchAll(DIRECTIVE)) {
    if (match[1] !== undefined) references.push({ name: match[1], quoted: true });
    else if (match[2] !== undefined) references.push({ name: match[2], quoted: false });
    else return `an #include computed by a macro: ${match[0].trim()}`;
  }
  for (const match of text.matchAll(ASM_DIRECTIVE)) references.push({ name: match[1], quoted: true });
  return references;
}

/**
 * Digest the inputs and every local file they include, recursively,
 * resolving like the preprocessor: "x" in the including file's directory,
 * then -iquote, then -I dirs; <x> in -I dirs only. Paths are relative to cwd.
 */
async function digestSources(invocation: CompileInvocation, cwd: string): Promise<{ inputs: FileDigest[]; dependencies: FileDigest[] } | string> {
  const local = (dirs: string[]) => dirs.filter((dir) => !isSystemPath(path.resolve(cwd, dir)));
  const quoteDirs = local(invocation.quoteDirs);
  const includeDirs = local(invocation.includeDirs);
  const inputs: FileDigest[] = [];
  const dependencies = new Map<string, FileDigest>();
  const queue: Array<{ file: string; content: Buffer }> = [];

  for (const input of invocation.inputs) {
    const content = await readIfExists(path.resolve(cwd, input));
    if (content === null) return `input ${input} does not exist`;
    inputs.push({ path: input, sha256: sha256(content) });
    if (!LINKER_INPUT.test(input)) queue.push({ file: input, content });
  }

  while (queue.length > 0) {
    const { file, content } = queue.shift() as { file: string; content: Buffer };
    const references = referencesOf(content.toString('latin1'));
    if (typeof references === 'string') return `${file}: ${references}`;
    for (const reference of references) {
      // The first candidate that exists is the one the preprocessor takes.
      // Candidates that do not exist stay in the key (as null), so creating
      // one later changes the key; when none exists it is a system header.
      for (const candidate of candidatesFor(reference, file, quoteDirs, includeDirs)) {
        const key = path.normalize(candidate);
        const known = dependencies.get(key);
        if (known) {
          if (known.sha256 !== null) break;
          continue;
        }
        const data = isSystemPath(path.resolve(cwd, key)) ? null : await readIfExists(path.resolve(cwd, key));
        dependencies.set(key, { path: key, sha256: data === null ? null : sha256(data) });
        if (dependencies.size > MAX_DEPENDENCIES) return `more than ${MAX_DEPENDENCIES} included files`;
        if (data !== null) {
          queue.push({ file: key, content: data });
          break;
        }
      }
    }
  }
  const sorted = [...dependencies.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { inputs, dependencies: sorted };
}

function candidatesFor(reference: Reference, includer: string, quoteDirs: string[], includeDirs: string[]): string[] {
  if (path.isAbsolute(reference.name)) return [reference.name];
  const dirs = reference.quoted ? [path.dirname(includer), ...quoteDirs, ...includeDirs] : includeDirs;
  return dirs.map((dir) => path.join(dir, reference.name));
}

/** Local libraries named by -l and found in -L dirs (system ones are not keyed). */
async function digestLibraries(invocation: CompileInvocation, cwd: string): Promise<FileDigest[]> {
  const digests: FileDigest[] = [];
  const dirs = invocation.libDirs.filter((dir) => !isSystemPath(path.resolve(cwd, dir)));
  for (const lib of invocation.libs) {
    const names = lib.startsWith(':') ? [lib.slice(1)] : [`lib${lib}.so`, `lib${lib}.a`];
    for (const dir of dirs) {
      for (const name of names) {
        const file = path.join(dir, name);
        const data = await readIfExists(path.resolve(cwd, file));
        if (data !== null) digests.push({ path: file, sha256: sha256(data) });
      }
    }
  }
  return digests;
}

interface CompilerIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

async function identifyCompiler(compiler: string, cwd: string, env: NodeJS.ProcessEnv): Promise<CompilerIdentity | string> {
  const candidates = compiler.includes('/')
    ? [path.resolve(cwd, compiler)]
    : (env.PATH ?? '').split(':').filter((dir) => dir !== '').map((dir) => path.join(path.resolve(cwd, dir), compiler));
  for (const candidate of candidates) {
    try {
      await fsp.access(candidate, 1 /* X_OK */);
      const real = await fsp.realpath(candidate);
      const stat = await fsp.stat(real);
      if (!stat.isFile()) continue;
      return { path: real, size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
    } catch {
      // Not in this PATH directory.
    }
  }
  return `compiler ${compiler} not found in PATH`;
}

// ---------------------------------------------------------------- the store

interface EntryMeta {
  version: number;
  /** What the compiler printed (warnings), replayed on a hit. */
  output: string;
  size: number;
  command: string;
  created: string;
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

async function lookup(command: string, cwd: string, options: CompileCacheOptions): Promise<CompileCacheLookup> {
  const env = options.env ?? process.env;
  const invocation = parseCompileCommand(command);
  if (typeof invocation === 'string') return { cacheable: false, reason: invocation };
  const absoluteCwd = path.resolve(cwd);

  const compiler = await identifyCompiler(invocation.compiler, absoluteCwd, env);
  if (typeof compiler === 'string') return { cacheable: false, reason: compiler };
  const sources = await digestSources(invocation, absoluteCwd);
  if (typeof sources === 'string') return { cacheable: false, reason: sources };
  const libraries = await digestLibraries(invocation, absoluteCwd);

  const key = sha256(JSON.stringify({
    version: KEY_VERSION,
    compiler,
    argv: invocation.argv,
    cwd: absoluteCwd,
    env: KEYED_ENV.map((name) => [name, env[name] ?? null]),
    variant: options.variant ?? '',
    inputs: sources.inputs,
    dependencies: sources.dependencies,
    libraries,
  }));
  const cacheDir = path.resolve(options.cacheDir ?? defaultCacheDir(env));
  const entryDir = path.join(cacheDir, key);
  const target = path.resolve(absoluteCwd, invocation.output);

  const restored = await restoreEntry(entryDir, target);
  if (restored !== undefined) return { cacheable: true, hit: true, output: restored };

  return {
    cacheable: true,
    hit: false,
    store: async (output: string, exitCode: number): Promise<void> => {
      if (exitCode !== 0) return;
      await storeEntry(cacheDir, entryDir, target, output, command.trim());
      await evict(cacheDir, options.maxEntries ?? DEFAULT_MAX_ENTRIES, options.maxBytes ?? DEFAULT_MAX_BYTES);
    },
  };
}

/** Copy the cached output to target (via a rename, so a running old binary is not disturbed); undefined on a miss. */
async function restoreEntry(entryDir: string, target: string): Promise<string | undefined> {
  let meta: EntryMeta;
  try {
    meta = JSON.parse(await fsp.readFile(path.join(entryDir, ENTRY_META), 'utf8')) as EntryMeta;
  } catch {
    return undefined;
  }
  if (meta.version !== KEY_VERSION || typeof meta.output !== 'string') return undefined;
  const temporary = `${target}.sockbook-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fsp.copyFile(path.join(entryDir, ENTRY_OUTPUT), temporary);
    await fsp.chmod(temporary, 0o755);
    await fsp.rename(temporary, target);
  } catch {
    await fsp.rm(temporary, { force: true }).catch(() => undefined);
    return undefined;
  }
  // The entry's mtime says when it was last used (for eviction).
  const now = new Date();
  await fsp.utimes(path.join(entryDir, ENTRY_META), now, now).catch(() => undefined);
  return meta.output;
}

async function storeEntry(cacheDir: string, entryDir: string, target: string, output: string, command: string): Promise<void> {
  let size: number;
  try {
    const stat = await fsp.stat(target);
    if (!stat.isFile()) return;
    size = stat.size;
  } catch {
    return;
  }
  // Built in a temp dir and renamed into place, so a reader never sees half an entry.
  const temporary = path.join(cacheDir, `tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await fsp.mkdir(cacheDir, { recursive: true });
    await fsp.mkdir(temporary);
    await fsp.copyFile(target, path.join(temporary, ENTRY_OUTPUT));
    const meta: EntryMeta = { version: KEY_VERSION, output, size, command, created: new Date().toISOString() };
    await fsp.writeFile(path.join(temporary, ENTRY_META), JSON.stringify(meta));
    await fsp.rm(entryDir, { recursive: true, force: true });
    await fsp.rename(temporary, entryDir);
  } catch {
    // Another kernel stored the same entry at the same time, or the disk is full: not caching is fine.
  } finally {
    await fsp.rm(temporary, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Keep the most recently used entries within maxEntries and maxBytes; drop stale temp dirs. */
async function evict(cacheDir: string, maxEntries: number, maxBytes: number): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(cacheDir);
  } catch {
    return;
  }
  const entries: Array<{ dir: string; used: number; size: number }> = [];
  const now = Date.now();
  for (const name of names) {
    const dir = path.join(cacheDir, name);
    try {
      if (name.startsWith('tmp-')) {
        const stat = await fsp.stat(dir);
        if (now - stat.mtimeMs > STALE_TEMP_MS) await fsp.rm(dir, { recursive: true, force: true });
        continue;
      }
      const [meta, output] = await Promise.all([fsp.stat(path.join(dir, ENTRY_META)), fsp.stat(path.join(dir, ENTRY_OUTPUT))]);
      entries.push({ dir, used: meta.mtimeMs, size: output.size });
    } catch {
      // A half-removed or foreign entry: leave it.
    }
  }
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
