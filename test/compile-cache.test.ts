import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { defaultCacheDir, lookupCompile, parseCompileCommand, type CompileCacheOptions } from '../kernel/runner/compile-cache';

const execFileAsync = promisify(execFile);

interface CompileRun {
  hit: boolean;
  output: string;
  exitCode: number;
  ms: number;
}

/** What the runner does: look up, else run with bash and store. */
async function compile(command: string, cwd: string, options: CompileCacheOptions): Promise<CompileRun> {
  const started = performance.now();
  const lookup = await lookupCompile(command, cwd, options);
  if (!lookup.cacheable) throw new Error(`expected a cacheable command: ${command} (${lookup.reason})`);
  if (lookup.hit) return { hit: true, output: lookup.output, exitCode: 0, ms: performance.now() - started };
  let output: string;
  let exitCode: number;
  try {
    const result = await execFileAsync('bash', ['-c', `${command} 2>&1`], { cwd });
    output = result.stdout;
    exitCode = 0;
  } catch (error) {
    const failure = error as { stdout: string; code: number };
    output = failure.stdout;
    exitCode = failure.code;
  }
  await lookup.store(output, exitCode);
  return { hit: false, output, exitCode, ms: performance.now() - started };
}

async function run(program: string, cwd: string): Promise<string> {
  return (await execFileAsync(program, [], { cwd })).stdout;
}

const HELLO = '#include <stdio.h>\n#include "greeting.h"\nint main() { printf("%s\\n", GREETING); return 0; }\n';

describe('compile cache (real gcc)', function () {
  let dir: string;
  let options: CompileCacheOptions;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockbook-compile-cache-'));
    options = { cacheDir: path.join(dir, 'cache') };
    fs.mkdirSync(path.join(dir, 'work'));
    fs.mkdirSync(path.join(dir, 'work', 'include'));
    fs.writeFileSync(path.join(dir, 'work', 'hello.c'), HELLO);
    fs.writeFileSync(path.join(dir, 'work', 'include', 'greeting.h'), '#include "words.h"\n#define GREETING WORD_HELLO\n');
    fs.writeFileSync(path.join(dir, 'work', 'include', 'words.h'), '#define WORD_HELLO "hello"\n');
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const command = 'gcc -Wall -DDEBUG -O2 -Iinclude hello.c -o hello.exe -lm';

  it('restores a working executable on the second compile, quickly, without the compiler', async () => {
    const work = path.join(dir, 'work');
    const first = await compile(command, work, options);
    assert.equal(first.hit, false);
    assert.equal(first.exitCode, 0, first.output);
    assert.equal(await run('./hello.exe', work), 'hello\n');

    fs.rmSync(path.join(work, 'hello.exe'));
    const second = await compile(command, work, options);
    assert.equal(second.hit, true);
    assert.equal(second.output, first.output);
    console.log(`      compile ${first.ms.toFixed(1)} ms, cache hit ${second.ms.toFixed(1)} ms`);
    assert.ok(second.ms < 150, `a hit took ${second.ms} ms`);
    assert.ok(second.ms < first.ms, `a hit (${second.ms} ms) was not faster than compiling (${first.ms} ms)`);
    assert.equal(fs.statSync(path.join(work, 'hello.exe')).mode & 0o777, 0o755);
    assert.equal(await run('./hello.exe', work), 'hello\n');
  });

  it('compiles again when the source changes, and hits again when it changes back', async () => {
    const work = path.join(dir, 'work');
    assert.equal((await compile(command, work, options)).hit, false);
    fs.writeFileSync(path.join(work, 'hello.c'), HELLO.replace('return 0;', 'return 0; /* edited */'));
    assert.equal((await compile(command, work, options)).hit, false);
    fs.writeFileSync(path.join(work, 'hello.c'), HELLO);
    assert.equal((await compile(command, work, options)).hit, true);
    assert.equal(await run('./hello.exe', work), 'hello\n');
  });

  it('compiles again when a header included from a header changes', async () => {
    const work = path.join(dir, 'work');
    assert.equal((await compile(command, work, options)).hit, false);
    assert.equal((await compile(command, work, options)).hit, true);
    fs.writeFileSync(path.join(work, 'include', 'words.h'), '#define WORD_HELLO "bonjour"\n');
    const changed = await compile(command, work, options);
    assert.equal(changed.hit, false);
    assert.equal(await run('./hello.exe', work), 'bonjour\n');
  });

  it('keys the whole argv: another flag is another entry', async () => {
    const work = path.join(dir, 'work');
    assert.equal((await compile(command, work, options)).hit, false);
    assert.equal((await compile(command.replace('-O2', '-O0'), work, options)).hit, false);
    assert.equal((await compile(command.replace('-O2', '-O0'), work, options)).hit, true);
  });

  it('replays the warnings of the first compile on a hit', async () => {
    const work = path.join(dir, 'work');
    fs.writeFileSync(path.join(work, 'warn.c'), 'int main() { int unused; return 0; }\n');
    const first = await compile('gcc -Wall warn.c -o warn.exe', work, options);
    assert.match(first.output, /warning: unused variable .unused./);
    const second = await compile('gcc -Wall warn.c -o warn.exe', work, options);
    assert.equal(second.hit, true);
    assert.equal(second.output, first.output);
  });

  it('does not store a failed compile', async () => {
    const work = path.join(dir, 'work');
    fs.writeFileSync(path.join(work, 'broken.c'), 'int main() { return x; }\n');
    const first = await compile('gcc broken.c -o broken.exe', work, options);
    assert.notEqual(first.exitCode, 0);
    assert.match(first.output, /error/);
    assert.equal((await compile('gcc broken.c -o broken.exe', work, options)).hit, false);
  });

  it('defaults the output to a.out and handles several sources', async () => {
    const work = path.join(dir, 'work');
    fs.writeFileSync(path.join(work, 'main.c'), 'int twice(int);\nint main() { return twice(21) == 42 ? 0 : 1; }\n');
    fs.writeFileSync(path.join(work, 'twice.c'), 'int twice(int x) { return 2 * x; }\n');
    assert.equal((await compile('gcc main.c twice.c', work, options)).hit, false);
    fs.rmSync(path.join(work, 'a.out'));
    assert.equal((await compile('gcc main.c twice.c', work, options)).hit, true);
    await run('./a.out', work);
  });

  it('keeps at most maxEntries entries', async () => {
    const work = path.join(dir, 'work');
    const bounded = { ...options, maxEntries: 2 };
    for (const flag of ['-O0', '-O1', '-O2']) {
      assert.equal((await compile(`gcc ${flag} -Iinclude hello.c -o hello.exe`, work, bounded)).hit, false);
    }
    assert.equal(fs.readdirSync(bounded.cacheDir as string).length, 2);
    // The newest stays, the oldest went.
    assert.equal((await compile('gcc -O2 -Iinclude hello.c -o hello.exe', work, bounded)).hit, true);
    assert.equal((await compile('gcc -O0 -Iinclude hello.c -o hello.exe', work, bounded)).hit, false);
  });

  it('still compiles when the cache directory cannot be created', async () => {
    const work = path.join(dir, 'work');
    fs.writeFileSync(path.join(dir, 'a-file'), '');
    const broken = { cacheDir: path.join(dir, 'a-file', 'cache') };
    const first = await compile(command, work, broken);
    assert.equal(first.hit, false);
    assert.equal(await run('./hello.exe', work), 'hello\n');
    assert.equal((await compile(command, work, broken)).hit, false);
  });

  it('says a command is not cacheable unless it is a plain compile-and-link', async () => {
    const work = path.join(dir, 'work');
    const notCacheable = [
      'gcc hello.c -o hello.exe | tee log',
      'gcc hello.c -o hello.exe > log',
      'gcc hello.c -o hello.exe && ./hello.exe',
      'gcc hello.c -o hello.exe; ls',
      'gcc $FLAGS hello.c -o hello.exe',
      'gcc `echo hello.c` -o hello.exe',
      'gcc *.c -o hello.exe',
      'gcc "hello.c" -o hello.exe',
      'gcc -c hello.c -o hello.o',
      'gcc -E hello.c -o hello.i',
      'gcc -S hello.c',
      'gcc -MMD hello.c -o hello.exe',
      'gcc -save-temps hello.c',
      'gcc missing.c -o missing.exe',
      'make hello',
      './hello.exe',
    ];
    for (const text of notCacheable) {
      const lookup = await lookupCompile(text, work, options);
      assert.equal(lookup.cacheable, false, `${text} should not be cacheable`);
    }
    assert.ok(!fs.existsSync(options.cacheDir as string), 'nothing was written to the cache');
  });
});

describe('compile cache: command parsing and cache directory', () => {
  it('finds inputs, output, include and library dirs', () => {
    assert.deepEqual(parseCompileCommand('g++ -I. -I inc -iquote q -L lib -lfoo -l bar a.cpp b.o -pthread -o prog'), {
      argv: ['g++', '-I.', '-I', 'inc', '-iquote', 'q', '-L', 'lib', '-lfoo', '-l', 'bar', 'a.cpp', 'b.o', '-pthread', '-o', 'prog'],
      compiler: 'g++',
      inputs: ['a.cpp', 'b.o'],
      output: 'prog',
      includeDirs: ['.', 'inc'],
      quoteDirs: ['q'],
      libDirs: ['lib'],
      libs: ['foo', 'bar'],
    });
    assert.equal(typeof parseCompileCommand('gcc -o a.exe'), 'string');
    assert.equal(typeof parseCompileCommand('gcc a.c -o x -o y'), 'string');
  });

  it('uses $SOCKBOOK_CACHE_DIR, then $XDG_CACHE_HOME, then ~/.cache', () => {
    assert.equal(defaultCacheDir({ SOCKBOOK_CACHE_DIR: '/x/cache' }), '/x/cache');
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/xdg' }), path.join('/x/xdg', 'sockbook', 'compile'));
    assert.equal(defaultCacheDir({ HOME: '/home/u' }), path.join('/home/u', '.cache', 'sockbook', 'compile'));
  });
});
