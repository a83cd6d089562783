// The key of a compile: a digest of everything its output depends on that can
// change between runs in a notebook (the compiler and the programs it runs,
// argv, cwd, environment, and every local file it reads: followed through
// #include in -I dirs and in the directories of CPATH and friends, response
// files, linker scripts, libraries in -L dirs and LIBRARY_PATH, and the
// headers and libraries of a --sysroot).
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isLinkerInput, type CompileInvocation } from './gcc-command';
import { toolchainIdentity } from './toolchain-identity';

/** The version of the key and of the entries stored under it. */
export const KEY_VERSION = 2;
/** Include directories from the environment, searched after -I (gcc reads every one that applies to the language). */
const INCLUDE_PATH_ENV = ['CPATH', 'C_INCLUDE_PATH', 'CPLUS_INCLUDE_PATH', 'OBJC_INCLUDE_PATH'];
const MAX_DEPENDENCIES = 2000;

/** Environment variables that change what gcc/clang produce or print. */
const KEYED_ENV = [
  'PATH', 'CPATH', 'C_INCLUDE_PATH', 'CPLUS_INCLUDE_PATH', 'OBJC_INCLUDE_PATH', 'LIBRARY_PATH',
  'GCC_EXEC_PREFIX', 'COMPILER_PATH', 'SOURCE_DATE_EPOCH', 'LANG', 'LANGUAGE', 'LC_ALL',
  'LC_MESSAGES', 'LC_CTYPE', 'GCC_COLORS', 'GCC_URLS', 'TERM',
];

interface FileDigest {
  path: string;
  /** sha256 of the content, or null when the file does not exist. */
  sha256: string | null;
}

export function sha256(data: string | Buffer): string {
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

/** The directories of a PATH-like variable; an empty element is the current directory, as gcc reads it. */
function pathList(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : value.split(':').map((dir) => (dir === '' ? '.' : dir));
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
async function digestSources(
  invocation: CompileInvocation,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ inputs: FileDigest[]; dependencies: FileDigest[] } | string> {
  const local = (dirs: string[]) => dirs.filter((dir) => !isSystemPath(path.resolve(cwd, dir)));
  const quoteDirs = local(invocation.quoteDirs);
  // A sysroot's headers are the ones this compile uses: keyed wherever the sysroot is.
  const sysrootDirs = invocation.sysroot === undefined ? [] : ['usr/local/include', 'usr/include'].map((d) => path.join(invocation.sysroot as string, d));
  const includeDirs = [...local(invocation.includeDirs), ...local(INCLUDE_PATH_ENV.flatMap((name) => pathList(env[name]))), ...sysrootDirs];
  const inputs: FileDigest[] = [];
  const dependencies = new Map<string, FileDigest>();
  const queue: Array<{ file: string; content: Buffer }> = [];

  for (const input of invocation.inputs) {
    const content = await readIfExists(path.resolve(cwd, input));
    if (content === null) return `input ${input} does not exist`;
    inputs.push({ path: input, sha256: sha256(content) });
    if (!isLinkerInput(input)) queue.push({ file: input, content });
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
        const systemFile = path.isAbsolute(reference.name) && isSystemPath(key);
        const data = systemFile ? null : await readIfExists(path.resolve(cwd, key));
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

/** Local libraries named by -l and found in -L dirs, LIBRARY_PATH or the sysroot (system ones are not keyed). */
async function digestLibraries(invocation: CompileInvocation, cwd: string, env: NodeJS.ProcessEnv): Promise<FileDigest[]> {
  const digests: FileDigest[] = [];
  const sysroot = invocation.sysroot;
  const sysrootDirs = sysroot === undefined ? [] : ['lib', 'lib64', 'usr/lib', 'usr/lib64'].map((d) => path.join(sysroot, d));
  const dirs = [...invocation.libDirs, ...pathList(env.LIBRARY_PATH)].filter((dir) => !isSystemPath(path.resolve(cwd, dir))).concat(sysrootDirs);
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

/** Files named on the command line or in it that are read as they are: response files and linker scripts. */
async function digestNamedFiles(files: string[], cwd: string): Promise<FileDigest[]> {
  return Promise.all(
    files.map(async (file) => {
      const data = await readIfExists(path.resolve(cwd, file));
      return { path: file, sha256: data === null ? null : sha256(data) };
    }),
  );
}

/** The compiler driver that PATH (or the command's path) resolves to. */
async function resolveCompiler(compiler: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string | { reason: string }> {
  const candidates = compiler.includes('/')
    ? [path.resolve(cwd, compiler)]
    : (env.PATH ?? '').split(':').filter((dir) => dir !== '').map((dir) => path.join(path.resolve(cwd, dir), compiler));
  // Probed all at once (one round trip instead of one per PATH directory); the first executable one wins, as in a shell.
  const executable = await Promise.all(candidates.map((c) => fsp.access(c, 1 /* X_OK */).then(() => true, () => false)));
  for (const [index, candidate] of candidates.entries()) {
    if (!executable[index]) continue;
    try {
      // stat follows the links realpath resolves, so both describe the same file.
      const [real, stat] = await Promise.all([fsp.realpath(candidate), fsp.stat(candidate)]);
      if (!stat.isFile()) continue;
      return real;
    } catch {
      // Not in this PATH directory.
    }
  }
  return { reason: `compiler ${compiler} not found in PATH` };
}

/**
 * The key of a compile run in `cwd` (absolute) with `env`, or the reason it
 * cannot be keyed (then it is not cached).
 */
export async function compileKey(invocation: CompileInvocation, cwd: string, env: NodeJS.ProcessEnv, variant: string, knownToolchains?: string): Promise<string | { reason: string }> {
  // Independent reads, done at once: each await is a round trip through the thread pool.
  const [driver, sources, libraries, responseFiles, linkerScripts] = await Promise.all([
    resolveCompiler(invocation.compiler, cwd, env),
    digestSources(invocation, cwd, env),
    digestLibraries(invocation, cwd, env),
    digestNamedFiles(invocation.responseFiles, cwd),
    digestNamedFiles(invocation.linkerScripts, cwd),
  ]);
  if (typeof driver !== 'string') return driver;
  if (typeof sources === 'string') return { reason: sources };
  const compiler = await toolchainIdentity(driver, env, knownToolchains);
  return sha256(JSON.stringify({
    version: KEY_VERSION,
    compiler,
    responseFiles,
    linkerScripts,
    argv: invocation.argv,
    cwd,
    env: KEYED_ENV.map((name) => [name, env[name] ?? null]),
    variant,
    inputs: sources.inputs,
    dependencies: sources.dependencies,
    libraries,
  }));
}
