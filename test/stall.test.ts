import * as assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { KernelClient } from './support/kernel-client';
import { assertResponsive, sampleLatencyWhile, type LatencySample } from './support/latency-sampler';
import { useKernel } from './support/kernel-fixture';

/*
 * User text never stalls the kernel's main thread: while a 1 MB one-line
 * cell is received, planned and run, heartbeat and control keep answering
 * (as a process of its own sees them, against a baseline taken just before
 * under the same machine load: assertResponsive), and the cell gets its
 * normal result.
 */

const MB = 1 << 20;

describe('a 1 MB one-line cell does not stall the kernel', function () {
  this.timeout(180000);
  const kernel = useKernel();

  before(async () => {
    await kernel.execute('1'); // the executor is up
  });

  /**
   * Runs code while another process samples heartbeat and control kernel_info
   * (as a frontend would see them); returns the reply, outputs and the slowest answers.
   */
  async function runSampled(code: string): Promise<{ outputs: Awaited<ReturnType<KernelClient['execute']>>['outputs']; reply: Awaited<ReturnType<KernelClient['execute']>>['reply']; sample: LatencySample; baseline: LatencySample }> {
    const { result, sample, baseline } = await sampleLatencyWhile(path.join(kernel.dir, 'connection.json'), () => kernel.execute(code, {}, 120000));
    return { reply: result.reply, outputs: result.outputs, sample, baseline };
  }

  type Sampled = Awaited<ReturnType<typeof runSampled>>;
  /** name, code, the reply's status, what else the user sees. */
  const shapes: [string, string, 'ok' | 'error', (r: Sampled) => void][] = [
    ['%%cpp FILE and one long line', `%%cpp long.c\n// ${'x'.repeat(MB)}`, 'ok', () => {
      assert.equal(statSync(path.join(kernel.dir, 'long.c')).size > MB, true);
    }],
    ['a long TypeScript line', `const long = "${'x'.repeat(MB)}"; long.length`, 'ok', ({ outputs }) => {
      const result = outputs.find((m) => m.header.msg_type === 'execute_result');
      assert.deepEqual(result?.content.data, { 'text/plain': String(MB) });
    }],
    ['a long line of spaces', ' '.repeat(MB), 'ok', () => undefined],
    ['%p and a long line', `%p "${'x'.repeat(MB)}".length`, 'ok', ({ outputs }) => {
      // %p shows the expression and its value.
      const shown = outputs.filter((m) => ['stream', 'display_data', 'execute_result'].includes(m.header.msg_type));
      assert.ok(shown.some((m) => JSON.stringify(m.content).includes(`${MB}`)), JSON.stringify(shown.map((m) => m.header.msg_type)));
    }],
    // Shapes that once took time quadratic in the line's length: a magic line's trailing-space strip, the Python markers.
    ['%%cpp with a long run of spaces in its magic line', `%%cpp a.c${' '.repeat(MB)}x\nint main() {}`, 'error', () => undefined],
    ['a long Python-looking line', `class A${' '.repeat(MB)}x`, 'error', ({ reply }) => {
      // The syntax error shows the line around its column, not all of it.
      assert.equal(reply.content.ename, 'SyntaxError');
      const traceback = (reply.content.traceback as string[]).join('\n');
      assert.ok(traceback.length < 4000, `the traceback has ${traceback.length} characters`);
      assert.match(traceback, /1 \| … +x\n +\| +\S*\^/);
    }],
    ['a long ! line', `!: ${'x '.repeat(MB / 20)}; echo done`, 'ok', ({ outputs }) => {
      assert.equal(KernelClient.streamText(outputs), 'done\n');
    }],
  ];

  it('the check sees a stall: a kernel stopped for 1.5 s during a run fails it', async () => {
    const pid = kernel.process.pid as number;
    const { sample, baseline } = await sampleLatencyWhile(path.join(kernel.dir, 'connection.json'), async () => {
      process.kill(pid, 'SIGSTOP');
      try {
        await new Promise((resolve) => setTimeout(resolve, 1500));
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await kernel.execute('1');
    });
    assert.throws(() => assertResponsive(sample, baseline, 'stopped'), /took \d+ ms, past/);
  });

  for (const [name, code, status, check] of shapes) {
    it(name, async () => {
      const sampled = await runSampled(code);
      assertResponsive(sampled.sample, sampled.baseline, name);
      assert.equal(sampled.reply.content.status, status, JSON.stringify(sampled.reply.content).slice(0, 500));
      check(sampled);
    });
  }
});
