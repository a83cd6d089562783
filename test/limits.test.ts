// Limits and cleanup strong enough for a shared course server: nothing a
// kernel started outlives it however it ends, memory and kept output are
// capped, limits that cannot hold are said aloud, and --isolate pid keeps a
// student's kill(-1) inside the kernel.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { formatByteSize, parseByteSize } from '../kernel/runner/byte-size';
import { createGroup, findHierarchy, killGroup } from '../kernel/runner/cgroup-files';
import type { Message } from '../kernel/wire/message';
import { annotationsOf } from './support/annotations';
import { KernelClient } from './support/kernel-client';
import { isAlive, processesWith, until } from './support/processes';
import { useKernelPerTest } from './support/kernel-fixture';

const SOCKBOOK = path.join(projectRoot, 'bin', 'sockbook.js');

/** Kills, by pid, whatever of a test's markers is left (only after a failure). */
function killMarked(marker: string): void {
  for (const pid of processesWith(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

const stderrOf = (outputs: Message[]): string => KernelClient.streamText(outputs, 'stderr');
/** The kernel's own lines (exit status, output cut, notices) are displays of their own, one text per line. */
const notesOf = (outputs: Message[]): string => annotationsOf(outputs).join('\n');
const stdoutOf = (outputs: Message[]): string => KernelClient.streamText(outputs, 'stdout');

describe('limits: sizes and cgroup files', () => {
  it('parses and says sizes', () => {
    assert.equal(parseByteSize('2G'), 2 * 1024 ** 3);
    assert.equal(parseByteSize('64MiB'), 64 * 1024 ** 2);
    assert.equal(parseByteSize('512k'), 512 * 1024);
    assert.equal(parseByteSize('1000'), 1000);
    assert.equal(parseByteSize('lots'), undefined);
    assert.equal(formatByteSize(2 * 1024 ** 3), '2 GiB');
    assert.equal(formatByteSize(256 * 1024 ** 2), '256 MiB');
  });

  it('finds a controller in v1 first, else in v2 with the controller enabled', () => {
    const v1 = 'cgroup /sys/fs/cgroup/pids cgroup rw,pids 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n';
    assert.deepEqual(findHierarchy('pids', v1, '8:pids:/a/b\n0::/\n', () => 'pids memory'), {
      controller: 'pids',
      version: 1,
      ownGroup: '/sys/fs/cgroup/pids/a/b',
    });
    const v2 = 'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n';
    assert.deepEqual(findHierarchy('memory', v2, '0::/user.slice/x.scope\n', () => 'cpu memory pids'), {
      controller: 'memory',
      version: 2,
      ownGroup: '/sys/fs/cgroup/user.slice/x.scope',
    });
    assert.equal(findHierarchy('memory', v2, '0::/\n', () => 'cpu pids'), undefined);
  });

  describe('on a fake cgroup directory', () => {
    let root: string;
    const children: ChildProcess[] = [];
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'sockbook-fake-cgroup-'));
    });
    afterEach(() => {
      for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('v2: hands pids and memory down and writes pids.max, memory.max, memory.swap.max', () => {
      fs.writeFileSync(path.join(root, 'cgroup.subtree_control'), '');
      const group = createGroup(root, 2, 'sockbook-1-0', ['pids', 'memory'], { maxProcs: 64, maxMemory: 64 * 1024 ** 2 });
      assert.equal(group.dir, path.join(root, 'sockbook-1-0'));
      const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
      assert.equal(read(root, 'cgroup.subtree_control'), '+pids +memory\n');
      assert.equal(read(group.dir, 'cgroup.subtree_control'), '+pids +memory\n');
      assert.equal(read(group.dir, 'pids.max'), '64\n');
      assert.equal(read(group.dir, 'memory.max'), `${64 * 1024 ** 2}\n`);
      assert.equal(read(group.dir, 'memory.swap.max'), '0\n');
    });

    it('v1: writes memory.limit_in_bytes', () => {
      const group = createGroup(root, 1, 'sockbook-1-0', ['memory'], { maxMemory: 1 << 26 });
      assert.equal(fs.readFileSync(path.join(group.dir, 'memory.limit_in_bytes'), 'utf8'), `${1 << 26}\n`);
      assert.ok(!fs.existsSync(path.join(root, 'cgroup.subtree_control')), 'v1 has no subtree_control');
    });

    it('v2: ends the group with one write to cgroup.kill', async () => {
      const dir = path.join(root, 'sockbook-1-0');
      fs.mkdirSync(path.join(dir, 'run-5'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'cgroup.kill'), '');
      for (const d of [dir, path.join(dir, 'run-5')]) fs.writeFileSync(path.join(d, 'cgroup.procs'), '');
      const left = await killGroup({ dir, version: 2 }, 1000);
      assert.deepEqual(left, []);
      assert.equal(fs.readFileSync(path.join(dir, 'cgroup.kill'), 'utf8'), '1\n');
    });

    it('v1: SIGKILLs every pid of cgroup.procs, in child groups too', async () => {
      const dir = path.join(root, 'sockbook-1-0');
      fs.mkdirSync(path.join(dir, 'run-5'), { recursive: true });
      const a = spawn('sleep', ['300'], { stdio: 'ignore' });
      const b = spawn('sleep', ['300'], { stdio: 'ignore' });
      children.push(a, b);
      fs.writeFileSync(path.join(dir, 'cgroup.procs'), `${a.pid}\n`);
      fs.writeFileSync(path.join(dir, 'run-5', 'cgroup.procs'), `${b.pid}\n`);
      const ended = Promise.all([a, b].map((c) => new Promise((r) => c.once('exit', (_code, signal) => r(signal)))));
      assert.deepEqual(await killGroup({ dir, version: 1 }, 3000), []);
      assert.deepEqual(await ended, ['SIGKILL', 'SIGKILL']);
    });
  });
});

describe('limits: nothing outlives its kernel', function () {
  this.timeout(60000);
  const startKernel = useKernelPerTest();
  const marker = `sockbook-marker-${randomBytes(6).toString('hex')}`;
  afterEach(() => {
    killMarked(marker);
  });

  const daemon = (tag: string): string => `!setsid sh -c "sleep 300; : ${marker}-${tag}" > /dev/null 2>&1 < /dev/null &`;

  it('kill -9 of the kernel while a cell spins and a daemon runs: within seconds nothing is left, no executor', async () => {
    const kernel = await startKernel();
    const k = kernel;
    await k.execute(daemon('spin'));
    assert.ok(await until(() => processesWith(`${marker}-spin`).length > 0, 5000), 'the daemon started');
    // A TypeScript cell that never returns to the event loop.
    await k.send('shell', 'execute_request', {
      code: 'const started = Date.now(); while (Date.now() - started < 120000) {}',
      silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true,
    });
    const executors = (): number[] =>
      processesWith('child.js').filter((pid) => {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        return stat[0] === 'R' && fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`SOCKBOOK_CACHE_DIR=${k.dir}`);
      });
    assert.ok(await until(() => executors().length === 1, 15000), 'the executor spins');
    const [executor] = executors();
    process.kill(k.process.pid as number, 'SIGKILL');
    await k.waitExit();
    assert.ok(await until(() => !isAlive(executor) && processesWith(`${marker}-spin`).length === 0, 5000),
      `left: executor ${isAlive(executor) ? executor : 'gone'}, daemon ${processesWith(`${marker}-spin`).join(' ')}`);
  });

  for (const restart of [true, false]) {
    const how = restart ? 'restart' : 'shutdown';
    it(`a daemon whose helper was killed still ends at ${how} (found through the cgroup)`, async () => {
      const kernel = await startKernel();
      const k = kernel;
      const { outputs } = await k.execute(`${daemon(how)} sleep 0.3; kill -9 $PPID`);
      assert.match(JSON.stringify(outputs.map((m) => m.content)), /the helper ended \(SIGKILL\)/);
      assert.ok(await until(() => processesWith(`${marker}-${how}`).length > 0, 5000), 'the daemon started');
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(processesWith(`${marker}-${how}`).length > 0, 'the daemon outlived its helper');
      const reply = await k.request('control', 'shutdown_request', { restart });
      assert.equal(reply.content.status, 'ok');
      assert.ok(await until(() => processesWith(`${marker}-${how}`).length === 0, 5000), `${how} left the daemon running`);
      await k.waitExit();
    });
  }
});

describe('limits: memory and disk', function () {
  this.timeout(60000);
  const startKernel = useKernelPerTest();

  it('stops a malloc loop at SOCKBOOK_MAX_MEMORY with the memory-limit line, and the kernel answers', async () => {
    const kernel = await startKernel({ env: { SOCKBOOK_MAX_MEMORY: '256M' } });
    // Touches 1 MiB at a time up to 1 GiB (never reached: the limit stops it).
    const cell = [
      '%%cpp leak.c',
      '%run gcc leak.c -o leak.exe',
      '%run ./leak.exe',
      '#include <stdio.h>',
      '#include <stdlib.h>',
      '#include <string.h>',
      'int main(void) {',
      '  for (size_t mib = 1; mib <= 1024; mib++) {',
      '    char *p = malloc(1 << 20);',
      '    if (!p) { printf("malloc failed\\n"); return 1; }',
      '    memset(p, 1, 1 << 20);',
      '  }',
      '  printf("never stopped\\n");',
      '  return 0;',
      '}',
    ].join('\n');
    const { outputs } = await kernel.execute(cell);
    assert.doesNotMatch(stdoutOf(outputs), /never stopped/);
    assert.match(notesOf(outputs), /killed by signal 9 \(SIGKILL\): the kernel's memory limit \(256 MiB\) was reached/);
    assert.equal(stdoutOf((await kernel.execute('!echo still here')).outputs), 'still here\n');
  });

  it('caps a kept output file (SOCKBOOK_MAX_KEPT_OUTPUT), says what was dropped, deletes it at shutdown', async () => {
    const kernel = await startKernel({ env: { SOCKBOOK_MAX_KEPT_OUTPUT: '2M' } });
    const { outputs } = await kernel.execute("!head -c 5000000 /dev/zero | tr '\\0' x");
    const note = /output cut: (\d+) more bytes; (\S+) keeps all but the last (\d+), which were dropped/.exec(notesOf(outputs));
    assert.ok(note, notesOf(outputs));
    assert.equal(Number(note[1]), 5000000 - (1 << 20));
    assert.equal(Number(note[3]), 5000000 - 2 * (1 << 20));
    assert.equal(fs.statSync(note[2]).size, 2 * (1 << 20));
    await kernel.send('control', 'shutdown_request', { restart: false });
    await kernel.waitExit();
    assert.ok(!fs.existsSync(note[2]), `${note[2]} was left behind`);
    assert.ok(!fs.existsSync(path.dirname(note[2])), `${path.dirname(note[2])} was left behind`);
  });

  it('--isolate tmp mounts a /tmp of SOCKBOOK_TMP_SIZE', async () => {
    const kernel = await startKernel({
      argv: [process.execPath, SOCKBOOK, 'kernel', '-f', '{connection_file}', '--isolate', 'tmp'],
      env: { SOCKBOOK_TMP_SIZE: '8M' },
      cwd: projectRoot,
    });
    const { outputs } = await kernel.execute('!dd if=/dev/zero of=/tmp/big bs=1M count=20 2>&1; rm -f /tmp/big');
    assert.match(stdoutOf(outputs), /No space left on device/);
    assert.match(stdoutOf(outputs), /^8388608 bytes/m);
  });
});

describe('limits: said aloud, and --isolate pid', function () {
  this.timeout(60000);
  const startKernel = useKernelPerTest();

  it('says once, in the first cell, that no process limit holds (root, no pids cgroup)', async function () {
    assert.equal(process.getuid?.(), 0, 'this test runs as root, where RLIMIT_NPROC does not bind');
    const check = spawnSync('unshare', ['--version']);
    assert.equal(check.status, 0, 'unshare (util-linux) is needed to hide the pids cgroup');
    // A mount namespace without the cgroup mounts: the kernel finds no pids cgroup.
    const cgroupMounts = fs
      .readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .filter(([, , type]) => type === 'cgroup' || type === 'cgroup2')
      .map(([, mountPoint]) => mountPoint);
    assert.ok(cgroupMounts.length > 0, 'no cgroup is mounted here: nothing to hide');
    const kernel = await startKernel({
      argv: ['unshare', '-m', 'sh', '-c', `umount ${cgroupMounts.join(' ')} && exec "$0" "$@"`, process.execPath, SOCKBOOK, 'kernel', '-f', '{connection_file}'],
    });
    const first = await kernel.execute('!echo one');
    assert.match(notesOf(first.outputs), /no process limit holds in this kernel: there is no writable pids cgroup, and RLIMIT_NPROC does not bind root/);
    const second = await kernel.execute('!echo two');
    assert.equal(stderrOf(second.outputs), '');
    assert.deepEqual(annotationsOf(second.outputs), []);
    assert.equal(stdoutOf(second.outputs), 'two\n');
  });

  it('--isolate pid: kill(-1, SIGKILL) in a program spares processes outside the kernel; %ps still works', async () => {
    const outside = spawn('sleep', ['300'], { stdio: 'ignore' });
    try {
      const kernel = await startKernel({ argv: [process.execPath, SOCKBOOK, 'kernel', '-f', '{connection_file}', '--isolate', 'pid'] });
      assert.match(kernel.stderr, /its own PID namespace/);
      const cell = [
        '%%cpp killall.c',
        '%run gcc killall.c -o killall.exe',
        '%run ./killall.exe',
        '#include <signal.h>',
        '#include <stdio.h>',
        '#include <unistd.h>',
        'int main(void) {',
        '  printf("pid %d\\n", (int)getpid());',
        '  fflush(stdout);',
        '  kill(-1, SIGKILL);',
        '  return 0;',
        '}',
      ].join('\n');
      await kernel.execute(cell);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(isAlive(outside.pid as number), 'the process outside the kernel was killed');
      assert.equal(stdoutOf((await kernel.execute('!echo $$; sleep 30 & echo started')).outputs).split('\n')[1], 'started');
      const ps = await kernel.execute('%ps');
      const table = ps.outputs.find((m) => m.header.msg_type === 'display_data')?.content as { data: Record<string, string> } | undefined;
      assert.match(table?.data['text/plain'] ?? '', /sleep 30/);
      assert.match(table?.data['text/plain'] ?? '', /\[this kernel\]/);
    } finally {
      outside.kill('SIGKILL');
    }
  });
});
