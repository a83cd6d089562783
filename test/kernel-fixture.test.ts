import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { KernelClient } from './support/kernel-client';
import { useKernel, useKernelPerTest } from './support/kernel-fixture';
import { isAlive, isReaped } from './support/processes';

describe('useKernel: the kernel of a describe block', function () {
  this.timeout(60000);
  let used: KernelClient | undefined;
  let pid = 0;
  let dir = '';

  describe('a block that uses a kernel', function () {
    const kernel = useKernel({ env: { SOCKBOOK_TEST_MARK: 'fixture' } });
    used = kernel;

    it('runs cells in the kernel its before hook started, with the options given', async () => {
      const { reply, outputs } = await kernel.execute('process.env.SOCKBOOK_TEST_MARK');
      assert.equal(reply.content.status, 'ok');
      assert.match(JSON.stringify(outputs.map((m) => m.content)), /fixture/);
      pid = kernel.process.pid ?? 0;
      dir = kernel.dir;
      assert.ok(pid > 0 && isAlive(pid), 'the kernel process runs');
      assert.ok(existsSync(dir), 'its temp dir exists');
    });
  });

  describe('after that block', function () {
    it('its kernel has ended and been reaped, and its temp dir is gone', () => {
      assert.ok(pid > 0, 'the first block ran');
      assert.ok(isReaped(pid), `kernel ${pid} is gone`);
      assert.equal(existsSync(dir), false, `${dir} was removed`);
    });

    it('the kernel is no longer reachable through what useKernel returned', () => {
      assert.throws(() => used?.execute('1'), /not running/);
    });
  });
});

describe('useKernelPerTest: kernels a test starts itself', function () {
  this.timeout(60000);
  const startKernel = useKernelPerTest();
  const seen: { pid: number; dir: string }[] = [];

  it('starts kernels with the options of the test', async () => {
    const [first, second] = [await startKernel(), await startKernel({ env: { SOCKBOOK_TEST_MARK: 'second' } })];
    const { outputs } = await second.execute('process.env.SOCKBOOK_TEST_MARK');
    assert.match(JSON.stringify(outputs.map((m) => m.content)), /second/);
    for (const kernel of [first, second]) seen.push({ pid: kernel.process.pid ?? 0, dir: kernel.dir });
    assert.ok(seen.every(({ pid }) => pid > 0 && isAlive(pid)), 'both kernels run');
  });

  it('stopped them after that test: ended, reaped, temp dirs gone', () => {
    assert.equal(seen.length, 2, 'the first test ran');
    for (const { pid, dir } of seen) {
      assert.ok(isReaped(pid), `kernel ${pid} is gone`);
      assert.equal(existsSync(dir), false, `${dir} was removed`);
    }
  });
});
