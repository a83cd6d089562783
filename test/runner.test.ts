import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_MAX_PROCS,
  describeExit,
  killAllStarted,
  listStarted,
  processGuard,
  runCommand,
  setProcessLimit,
  shutdownRunner,
  startBackground,
} from '../kernel/runner';
import type { RunOptions, RunResult } from '../kernel/runner/types';
import { helperPath } from '../kernel/runner/helper-process';
import { COMMAND_KILL_AFTER_MS } from '../kernel/runner/interrupt-timing';
import { spawn, spawnSync } from 'node:child_process';
import { compileRunnerPrograms, processCount, zombieChildren } from './support/runner-programs';
import { isAlive, isReaped, until } from './support/processes';
import { BASELINE_FACTOR, STALL_MS } from './support/latency-sampler';

interface Run {
  result: RunResult;
  output: string;
  chunks: { at: number; text: string }[];
  ms: number;
}

describe('runner', function () {
  this.timeout(20000);
  let dir: string;
  const keptFiles: string[] = [];

  async function run(command: string, extra: Partial<RunOptions> = {}): Promise<Run> {
    const chunks: { at: number; text: string }[] = [];
    const start = Date.now();
    const result = await runCommand({
      command,
      cwd: dir,
      allowStdin: false,
      ...extra,
      onOutput: (text) => {
        chunks.push({ at: Date.now() - start, text });
        extra.onOutput?.(text);
      },
    });
    if (result.fullOutputFile) keptFiles.push(result.fullOutputFile);
    return { result, output: chunks.map((c) => c.text).join(''), chunks, ms: Date.now() - start };
  }

  before(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'sockbook-runner-test-'));
    await compileRunnerPrograms(dir);
  });
  afterEach(async () => {
    await killAllStarted();
  });
  after(async () => {
    await shutdownRunner();
    await fs.promises.rm(dir, { recursive: true, force: true });
    for (const f of keptFiles) await fs.promises.rm(f, { force: true });
  });

  describe('runCommand', () => {
    it('streams a line before the program prints the next one', async () => {
      const { output, chunks, result } = await run('./two-lines');
      assert.equal(output, 'first\nsecond\n');
      assert.equal(result.exitCode, 0);
      const first = chunks.find((c) => c.text.includes('first'))!;
      const second = chunks.find((c) => c.text.includes('second'))!;
      assert.ok(second.at - first.at >= 800, `first at ${first.at} ms, second at ${second.at} ms`);
      assert.ok(first.at < 500, `first line only after ${first.at} ms`);
    });

    it('turns the terminal\'s \\r\\n into \\n and keeps a lone \\r', async () => {
      const { output } = await run(`printf 'a\\nb\\r\\nprogress 1\\rprogress 2\\n'`);
      assert.equal(output, 'a\nb\nprogress 1\rprogress 2\n');
    });

    it('gives the program a terminal, only fds 0-2 and a default signal state', async () => {
      const { output } = await run('./inspect', { allowStdin: true });
      assert.match(output, /^tty 1 1 1$/m);
      assert.match(output, /^fds 0 1 2$/m);
      assert.match(output, /^SigBlk:\s+0+$/m);
      assert.match(output, /^SigIgn:\s+0+$/m);
    });

    it('keeps the terminal as stdin when stdin is not allowed; reading it gives end-of-file', async () => {
      const { output } = await run('./inspect; head -c 10; echo "read done"');
      assert.match(output, /^tty 1 1 1$/m);
      assert.match(output, /^read done$/m);
    });

    it('says how a program ended: exit code, signal, or nothing for 0', async () => {
      const exit3 = await run('exit 3');
      assert.equal(exit3.result.exitCode, 3);
      assert.equal(describeExit(exit3.result), 'exit code 3');
      const segv = await run('./segv');
      assert.equal(segv.result.signal, 'SIGSEGV');
      assert.equal(segv.result.signalNumber, 11);
      assert.equal(describeExit(segv.result), 'killed by signal 11 (SIGSEGV)');
      const ok = await run('true');
      assert.equal(describeExit(ok.result), null);
    });

    it('reports a missing working directory clearly', async () => {
      await assert.rejects(
        runCommand({ command: 'true', cwd: path.join(dir, 'nope'), allowStdin: false, onOutput: () => undefined }),
        /working directory .*nope does not exist/,
      );
    });

    it('cuts 50 MB of output at 1 MiB, keeps all of it in a file, stays responsive and small', async () => {
      // The event loop's lag idle, for 1 s under the machine's load as it is: the baseline for the lag during the run.
      let baselineLag = 0;
      let lastIdle = Date.now();
      const idle = setInterval(() => {
        const now = Date.now();
        baselineLag = Math.max(baselineLag, now - lastIdle - 10);
        lastIdle = now;
      }, 10);
      await new Promise((r) => setTimeout(r, 1000));
      clearInterval(idle);
      const rssBefore = process.memoryUsage().rss;
      let maxRss = rssBefore;
      let maxLag = 0;
      let last = Date.now();
      const timer = setInterval(() => {
        const now = Date.now();
        maxLag = Math.max(maxLag, now - last - 10);
        last = now;
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
      }, 10);
      let shown = 0;
      let calls = 0;
      let result: RunResult;
      try {
        result = await runCommand({
          command: 'yes 0123456789abcdef | head -c 50000000',
          cwd: dir,
          allowStdin: false,
          onOutput: (text) => {
            shown += text.length;
            calls++;
          },
        });
      } finally {
        clearInterval(timer);
      }
      if (result.fullOutputFile) keptFiles.push(result.fullOutputFile);
      assert.equal(shown, 1 << 20);
      assert.ok(calls < 200, `${calls} onOutput calls`);
      assert.equal(result.truncatedBytes, 50_000_000 - (1 << 20));
      assert.ok(result.fullOutputFile && result.fullOutputFile.startsWith(os.tmpdir()));
      assert.equal(describeExit(result), `output cut: ${50_000_000 - (1 << 20)} more bytes; all of it was kept in ${result.fullOutputFile}`);
      const stat = await fs.promises.stat(result.fullOutputFile);
      assert.equal(stat.size, 50_000_000);
      const fd = await fs.promises.open(result.fullOutputFile, 'r');
      try {
        const { buffer } = await fd.read(Buffer.alloc(34), 0, 34, 0);
        assert.equal(buffer.toString(), '0123456789abcdef\n0123456789abcdef\n');
      } finally {
        await fd.close();
      }
      assert.ok(maxRss - rssBefore < 50 * 1024 * 1024, `rss grew by ${(maxRss - rssBefore) >> 20} MiB`);
      const lagBound = Math.max(STALL_MS, BASELINE_FACTOR * baselineLag);
      assert.ok(maxLag < lagBound, `event loop lagged ${maxLag} ms (bound ${lagBound} ms, idle ${baselineLag} ms)`);
    });

    it('interrupts sleep 100 with SIGINT and leaves no process', async () => {
      const controller = new AbortController();
      let pids: number[] = [];
      const running = run('sleep 100 & echo "pids $$ $!"; wait', {
        signal: controller.signal,
        onOutput: (text) => {
          const m = /pids (\d+) (\d+)/.exec(text);
          if (m) {
            pids = [Number(m[1]), Number(m[2])];
            setTimeout(() => controller.abort(), 100);
          }
        },
      });
      const { result, ms } = await running;
      assert.equal(result.interrupted, true);
      assert.equal(pids.length, 2);
      assert.ok(ms < COMMAND_KILL_AFTER_MS + 1000, `took ${ms} ms`); // the background sleep ignores SIGINT: killed after COMMAND_KILL_AFTER_MS
      for (const pid of pids) assert.ok(isReaped(pid), `pid ${pid} is still there`);
    });

    it('interrupts a busy loop at once, and one that ignores SIGINT with SIGKILL COMMAND_KILL_AFTER_MS (2 s) later', async () => {
      for (const [program, minMs] of [['./spin', 0], ['./stubborn-spin', COMMAND_KILL_AFTER_MS - 100]] as const) {
        const controller = new AbortController();
        let pid = 0;
        const start = Date.now();
        let abortedAt = 0;
        const { result } = await run(program, {
          signal: controller.signal,
          onOutput: (text) => {
            const m = /pid (\d+)/.exec(text);
            if (m && !pid) {
              pid = Number(m[1]);
              abortedAt = Date.now();
              controller.abort();
            }
          },
        });
        const took = Date.now() - abortedAt;
        assert.ok(pid > 0, 'the program printed its pid');
        assert.equal(result.interrupted, true);
        assert.equal(result.signal, minMs ? 'SIGKILL' : 'SIGINT');
        assert.ok(took >= minMs && took < COMMAND_KILL_AFTER_MS + 1000, `${program}: ended ${took} ms after the interrupt (${Date.now() - start} ms in all)`);
        assert.ok(isReaped(pid));
      }
    });

    it('keeps a double-forked daemon alive, reaped, until killAllStarted', async () => {
      const { output, result } = await run('./daemon');
      assert.equal(result.exitCode, 0);
      const pid = Number(/daemon (\d+)/.exec(output)?.[1]);
      assert.ok(pid > 0, output);
      assert.ok(isAlive(pid));
      const helper = listStarted().find((s) => s.command === './daemon');
      assert.ok(helper, 'the helper is listed while its daemon lives');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(zombieChildren(helper.helperPid), []);
      await killAllStarted();
      assert.ok(isReaped(pid));
      assert.ok(isReaped(helper.helperPid));
      assert.deepEqual(listStarted(), []);
    });

    it('spares a daemon at interrupt (it left the session) while the rest of the command dies', async () => {
      const controller = new AbortController();
      const { result, output } = await run('./daemon; echo "shell $$"; sleep 100', {
        signal: controller.signal,
        onOutput: (text) => {
          if (/shell \d+/.test(text)) setTimeout(() => controller.abort(), 100);
        },
      });
      const daemon = Number(/daemon (\d+)/.exec(output)?.[1]);
      const shell = Number(/shell (\d+)/.exec(output)?.[1]);
      assert.ok(daemon > 0 && shell > 0, output);
      assert.equal(result.interrupted, true);
      assert.ok(isReaped(shell));
      assert.ok(isAlive(daemon), 'the daemon lives until restart or shutdown');
      await killAllStarted();
      assert.ok(isReaped(daemon));
    });

    it('types the answer to onInputWanted into a program reading its terminal', async () => {
      let asked = 0;
      let promptShownFirst = false;
      let seen = '';
      const { output, result } = await run('./ask-number', {
        allowStdin: true,
        onOutput: (text) => (seen += text),
        onInputWanted: async () => {
          asked++;
          promptShownFirst = seen.includes('number? ');
          return '42';
        },
      });
      assert.equal(asked, 1);
      assert.ok(promptShownFirst, 'the prompt reached onOutput before the question');
      assert.equal(result.exitCode, 0);
      assert.equal(seen, 'number? got 42\n');
      assert.equal(output, seen);
    });

    it('lets read and cat see end-of-file at once when stdin is not allowed', async () => {
      const { output, result, ms } = await run('read x; echo "read=$? [$x]"; cat; echo done', {
        onInputWanted: async () => assert.fail('no input may be asked for'),
      });
      assert.equal(output, 'read=1 []\ndone\n');
      assert.equal(result.exitCode, 0);
      assert.ok(ms < 1000, `took ${ms} ms`);
    });

    it('limits a fork bomb with the pids cgroup and still runs other commands', async () => {
      assert.equal(processGuard().kind, 'cgroup');
      const limit = 64;
      setProcessLimit(limit);
      try {
        const baseline = processCount();
        let maxCount = baseline;
        const sampler = setInterval(() => (maxCount = Math.max(maxCount, processCount())), 50);
        try {
          const bomb = run('./fork-bomb');
          await new Promise((r) => setTimeout(r, 500));
          const other = await run('echo alive');
          assert.equal(other.output, 'alive\n');
          assert.ok(other.ms < 1500, `another command took ${other.ms} ms during the bomb`);
          const { output } = await bomb;
          const forked = Number(/forked (\d+)/.exec(output)?.[1]);
          assert.ok(forked > 0 && forked < limit, output);
          assert.match(output, /failed [1-9]/);
        } finally {
          clearInterval(sampler);
        }
        assert.ok(maxCount < baseline + limit + 30, `process count went from ${baseline} to ${maxCount}`);
      } finally {
        setProcessLimit(DEFAULT_MAX_PROCS);
      }
    });
  });

  describe('the helper takes its kill delay from the kernel', () => {
    it('refuses to run a command without --kill-after', () => {
      const result = spawnSync(helperPath(), ['--pipes', '--', 'true'], { encoding: 'utf8' });
      assert.equal(result.status, 2);
      assert.match(result.stderr, /--kill-after MS is required/);
    });

    it('kills a command that ignores SIGINT --kill-after ms after the interrupt', async function () {
      const killAfterMs = 300;
      const helper = spawn(helperPath(), ['--kill-after', String(killAfterMs), '--pipes', '--cwd', dir, '--', 'trap "" INT; echo ready; exec sleep 30'], {
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      });
      const exited = new Promise<void>((resolve) => helper.once('exit', () => resolve()));
      try {
        await new Promise<void>((resolve, reject) => {
          helper.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
          helper.once('exit', () => reject(new Error('the helper exited before the command was ready')));
        });
        const interruptedAt = Date.now();
        (helper.stdio[3] as NodeJS.WritableStream).write('i');
        await exited;
        const took = Date.now() - interruptedAt;
        assert.ok(took >= killAfterMs - 50 && took < COMMAND_KILL_AFTER_MS, `the command ended ${took} ms after the interrupt`);
      } finally {
        if (helper.exitCode === null && helper.signalCode === null) helper.kill('SIGKILL');
        await exited;
      }
    });
  });

  describe('startBackground', () => {
    it('has separate stdout and stderr and a writable stdin', async () => {
      const bg = startBackground('cat; echo bye >&2', { cwd: dir });
      let out = '';
      let err = '';
      bg.on('stdout', (t) => (out += t));
      bg.on('stderr', (t) => (err += t));
      const pid = await bg.started;
      assert.equal(bg.pid, pid);
      assert.equal(bg.running, true);
      bg.write('hello\n');
      await until(() => out === 'hello\n', 5000);
      assert.equal(out, 'hello\n');
      bg.closeStdin();
      const result = await bg.wait();
      assert.equal(result.exitCode, 0);
      assert.equal(err, 'bye\n');
      assert.equal(bg.running, false);
    });

    it('gives the program pipes, only fds 0-2 and a default signal state', async () => {
      const bg = startBackground('./inspect', { cwd: dir });
      let out = '';
      bg.on('stdout', (t) => (out += t));
      await bg.wait();
      assert.match(out, /^tty 0 0 0$/m);
      assert.match(out, /^fds 0 1 2$/m);
      assert.match(out, /^SigBlk:\s+0+$/m);
      assert.match(out, /^SigIgn:\s+0+$/m);
    });

    it('sends signals to the program and is ended by killAllStarted', async () => {
      const bg = startBackground('sleep 100', { cwd: dir });
      const pid = await bg.started;
      bg.kill('SIGTERM');
      const result = await bg.wait();
      assert.equal(result.signal, 'SIGTERM');
      assert.ok(isReaped(pid));

      const other = startBackground('sleep 100', { cwd: dir });
      const otherPid = await other.started;
      assert.ok(listStarted().some((s) => s.kind === 'background' && s.mainPid === otherPid));
      await killAllStarted();
      assert.equal((await other.wait()).signal, 'SIGKILL');
      assert.ok(isReaped(otherPid));
    });

    it('rejects a bad signal name and a missing directory clearly', () => {
      assert.throws(() => startBackground('true', { cwd: path.join(dir, 'nope') }), /does not exist/);
      const bg = startBackground('sleep 1', { cwd: dir });
      assert.throws(() => bg.kill('SIGNOPE'), /unknown signal: SIGNOPE/);
    });
  });
});
