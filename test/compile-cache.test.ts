import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { defaultCacheDir, lookupCompile, parseCompileCommand, type CompileCacheOptions } from '../kernel/runner/compile-cache';
import { compileKey } from '../kernel/runner/compile-cache/cache-key';

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
    const result = await execFileAsync('bash', ['-c', `${command} 2>&1`], { cwd, env: options.env ?? process.env });
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

  it('leaves an executable it restored alone while nobody changed it, and restores one that was changed', async () => {
    const work = path.join(dir, 'work');
    await compile(command, work, options);
    const exe = path.join(work, 'hello.exe');
    fs.rmSync(exe);
    assert.equal((await compile(command, work, options)).hit, true);
    const restored = fs.statSync(exe);
    assert.equal((await compile(command, work, options)).hit, true);
    assert.equal(fs.statSync(exe).ino, restored.ino, 'the unchanged executable was written again');
    // Changed in place (same inode): it is put back as the cache has it.
    fs.appendFileSync(exe, 'x');
    assert.equal((await compile(command, work, options)).hit, true);
    assert.equal(fs.statSync(exe).size, restored.size);
    assert.notEqual(fs.statSync(exe).ino, restored.ino);
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
    const entries = fs.readdirSync(bounded.cacheDir as string, { withFileTypes: true }).filter((e) => e.isDirectory());
    assert.equal(entries.length, 2);
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
      linkerScripts: [],
      responseFiles: [],
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

describe('compile cache: what a hit may be trusted for (compiler runs counted)', function () {
  this.timeout(30000);
  let dir: string;
  let work: string;
  let counter: string;
  let wrapper: string;
  let options: CompileCacheOptions & { env: NodeJS.ProcessEnv };
  // The gcc the wrapper stands in front of.
  const realGcc = execFileSync('sh', ['-c', 'command -v gcc'], { encoding: 'utf8' }).trim();

  // A `gcc` first on PATH that counts the compiles it is asked for (not the
  // cache's own -print-prog-name questions) and runs the real one.
  const wrapperScript = (extra = ''): string =>
    `#!/bin/sh\ncase "$*" in -print-*) echo ask >> "${counter}" ;; *) echo run >> "${counter}" ;; esac\n${extra}exec "${realGcc}" "$@"\n`;
  const counted = (word: string): number => (fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8').split('\n').filter((l) => l === word).length : 0);
  const runs = (): number => counted('run');
  const file = (name: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
    fs.writeFileSync(path.join(work, name), text);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockbook-compile-trust-'));
    work = path.join(dir, 'work');
    counter = path.join(dir, 'runs');
    wrapper = path.join(dir, 'bin', 'gcc');
    fs.mkdirSync(path.dirname(wrapper));
    fs.writeFileSync(wrapper, wrapperScript(), { mode: 0o755 });
    options = { cacheDir: path.join(dir, 'cache'), env: { ...process.env, PATH: `${path.dirname(wrapper)}:${process.env.PATH ?? ''}` } };
    file('show.c', '#include <stdio.h>\n#include <value.h>\nint main() { printf("%s\\n", VALUE); return 0; }\n');
    file('headers/value.h', '#define VALUE "one"\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the compiler once for two identical compiles (the count proves the cache works)', async () => {
    const env = { ...options.env, CPATH: path.join(work, 'headers') };
    assert.equal((await compile('gcc show.c -o show.exe', work, { ...options, env })).hit, false);
    assert.equal(runs(), 1);
    fs.rmSync(path.join(work, 'show.exe'));
    assert.equal((await compile('gcc show.c -o show.exe', work, { ...options, env })).hit, true);
    assert.equal(runs(), 1, 'the second compile ran the compiler');
    assert.equal(await run('./show.exe', work), 'one\n');
  });

  for (const variable of ['CPATH', 'C_INCLUDE_PATH']) {
    it(`compiles again when a header found through ${variable} changes (the stale hit reproduced)`, async () => {
      const env = { ...options.env, [variable]: path.join(work, 'headers') };
      await compile('gcc show.c -o show.exe', work, { ...options, env });
      fs.writeFileSync(path.join(work, 'headers', 'value.h'), '#define VALUE "two"\n');
      assert.equal((await compile('gcc show.c -o show.exe', work, { ...options, env })).hit, false);
      assert.equal(runs(), 2);
      assert.equal(await run('./show.exe', work), 'two\n');
    });
  }

  it('keeps the cache private: 0700 directories, 0700 executables, 0600 metadata', async () => {
    const env = { ...options.env, CPATH: path.join(work, 'headers') };
    await compile('gcc show.c -o show.exe', work, { ...options, env });
    const cacheDir = options.cacheDir as string;
    assert.equal(fs.statSync(cacheDir).mode & 0o777, 0o700);
    const [entry] = fs.readdirSync(cacheDir);
    assert.equal(fs.statSync(path.join(cacheDir, entry)).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(cacheDir, entry, 'output.bin')).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(cacheDir, entry, 'meta.json')).mode & 0o777, 0o600);
  });

  it('never restores a stored executable whose hash does not match: it compiles again', async () => {
    const env = { ...options.env, CPATH: path.join(work, 'headers') };
    await compile('gcc show.c -o show.exe', work, { ...options, env });
    const cacheDir = options.cacheDir as string;
    const [entry] = fs.readdirSync(cacheDir);
    fs.writeFileSync(path.join(cacheDir, entry, 'output.bin'), '#!/bin/sh\necho tampered\n');
    // Gone, so the entry would have to be restored.
    fs.rmSync(path.join(work, 'show.exe'));
    assert.equal((await compile('gcc show.c -o show.exe', work, { ...options, env })).hit, false);
    assert.equal(runs(), 2);
    assert.equal(await run('./show.exe', work), 'one\n');
  });

  it('stores nothing when an input changed during the compile', async () => {
    const env = { ...options.env, CPATH: path.join(work, 'headers') };
    // The key is computed with "one"; the compiler then sees "two".
    fs.writeFileSync(wrapper, wrapperScript(`echo '#define VALUE "two"' > "${path.join(work, 'headers', 'value.h')}"\n`), { mode: 0o755 });
    await compile('gcc show.c -o show.exe', work, { ...options, env });
    assert.equal(await run('./show.exe', work), 'two\n');
    fs.writeFileSync(wrapper, wrapperScript(), { mode: 0o755 });
    fs.writeFileSync(path.join(work, 'headers', 'value.h'), '#define VALUE "one"\n');
    assert.equal((await compile('gcc show.c -o show.exe', work, { ...options, env })).hit, false);
    assert.equal(await run('./show.exe', work), 'one\n');
  });

  it('compiles again when the compiler driver changes', async () => {
    const env = { ...options.env, CPATH: path.join(work, 'headers') };
    await compile('gcc show.c -o show.exe', work, { ...options, env });
    fs.writeFileSync(wrapper, wrapperScript('# another version\n'), { mode: 0o755 });
    assert.equal((await compile('gcc show.c -o show.exe', work, { ...options, env })).hit, false);
    assert.equal(runs(), 2);
  });

  it('keeps the compiler\'s hashes in the cache for the next kernel, and hashes a changed program again', async () => {
    const env = { ...options.env, CPATH: path.join(work, 'headers') };
    await compile('gcc show.c -o show.exe', work, { ...options, env });
    const known = path.join(options.cacheDir as string, 'toolchains.json');
    assert.equal(fs.statSync(known).mode & 0o777, 0o600);
    const hashes = (JSON.parse(fs.readFileSync(known, 'utf8')) as { hashes: Record<string, unknown> }).hashes;
    assert.ok(Object.keys(hashes).some((file) => file.endsWith('/cc1')), `cc1 is among ${Object.keys(hashes).join(', ')}`);
    // Another process (a new kernel): a hit without asking the driver for its programs.
    const lookupIn = async (): Promise<boolean> => {
      const module = path.join(__dirname, '..', 'kernel', 'runner', 'compile-cache');
      const script = `require(${JSON.stringify(module)}).lookupCompile('gcc show.c -o show.exe', ${JSON.stringify(work)}, { cacheDir: ${JSON.stringify(options.cacheDir)}, env: process.env }).then((l) => console.log(l.cacheable && l.hit))`;
      return (await execFileAsync(process.execPath, ['-e', script], { env })).stdout.trim() === 'true';
    };
    const asked = counted('ask');
    assert.equal(await lookupIn(), true);
    assert.equal(counted('ask'), asked, 'the new process asked the driver again');
    // A changed driver is hashed again there too: a miss.
    fs.writeFileSync(wrapper, wrapperScript('# another version\n'), { mode: 0o755 });
    assert.equal(await lookupIn(), false);
  });

  it('keys response files and linker scripts by content', async () => {
    file('flags.rsp', `-I${path.join(work, 'headers')} show.c -o show.exe\n`);
    assert.equal((await compile('gcc @flags.rsp', work, options)).hit, false);
    assert.equal((await compile('gcc @flags.rsp', work, options)).hit, true);
    file('flags.rsp', `-I${path.join(work, 'headers')} -DEXTRA show.c -o show.exe\n`);
    assert.equal((await compile('gcc @flags.rsp', work, options)).hit, false);
    fs.writeFileSync(path.join(work, 'headers', 'value.h'), '#define VALUE "two"\n');
    assert.equal((await compile('gcc @flags.rsp', work, options)).hit, false, 'a header of a response file\'s -I dir changed');
    assert.equal(await run('./show.exe', work), 'two\n');


    // A linker script is read by the linker only: its content must be in the key.
    file('main.c', 'int main() { return 0; }\n');
    file('layout.ld', 'SECTIONS { }\n');
    const invocation = parseCompileCommand('gcc main.c -o main.exe -Tlayout.ld');
    assert.ok(typeof invocation !== 'string');
    const before = await compileKey(invocation, work, options.env, '');
    file('layout.ld', 'SECTIONS { } /* changed */\n');
    const after = await compileKey(invocation, work, options.env, '');
    assert.equal(typeof before, 'string');
    assert.notEqual(before, after);
  });

  it('keys libraries found through LIBRARY_PATH by content', async () => {
    file('main.c', 'int twice(int);\n#include <stdio.h>\nint main() { printf("%d\\n", twice(21)); return 0; }\n');
    const lib = path.join(work, 'lib');
    const build = async (body: string): Promise<void> => {
      file('lib/twice.c', `int twice(int x) { return ${body}; }\n`);
      await execFileAsync(realGcc, ['-c', 'twice.c', '-o', 'twice.o'], { cwd: lib });
      fs.rmSync(path.join(lib, 'libtwice.a'), { force: true });
      await execFileAsync('ar', ['rcs', 'libtwice.a', 'twice.o'], { cwd: lib });
    };
    await build('2 * x');
    const env = { ...options.env, LIBRARY_PATH: lib };
    assert.equal((await compile('gcc main.c -o main.exe -ltwice', work, { ...options, env })).hit, false);
    assert.equal((await compile('gcc main.c -o main.exe -ltwice', work, { ...options, env })).hit, true);
    await build('3 * x');
    assert.equal((await compile('gcc main.c -o main.exe -ltwice', work, { ...options, env })).hit, false);
    assert.equal(await run('./main.exe', work), '63\n');
  });
});
