import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { useKernel } from './support/kernel-fixture';

/*
 * usage_request on control, over real ZeroMQ, in ipykernel's reply shape:
 * the kernel's CPU and memory summed over every process it started.
 */

/** Touches 64 MiB, says so, then keeps one core busy for 6 s. */
const HOG_C = String.raw`#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(void) {
    size_t size = 64u << 20;
    char *block = malloc(size);
    memset(block, 1, size);
    printf("hog ready\n");
    fflush(stdout);
    time_t end = time(NULL) + 6;
    volatile unsigned long spin = 0;
    while (time(NULL) < end) spin += block[spin % size];
    return 0;
}
`;

const MiB = 1 << 20;

describe('usage_request on control', function () {
  this.timeout(90000);
  const kernel = useKernel();

  async function usage(): Promise<Record<string, unknown>> {
    const reply = await kernel.request('control', 'usage_request', {});
    assert.equal(reply.header.msg_type, 'usage_reply');
    return reply.content;
  }

  it("answers with ipykernel's fields: host name, pid, CPU count and the host's memory", async () => {
    const content = await usage();
    assert.equal(content.hostname, os.hostname());
    assert.equal(content.pid, kernel.process.pid);
    assert.equal(content.cpu_count, os.cpus().length);
    assert.equal(typeof content.kernel_cpu, 'number');
    assert.ok(Number(content.kernel_memory) > 10 * MiB, `the kernel process alone uses more than 10 MiB: ${String(content.kernel_memory)}`);
    const memory = content.host_virtual_memory as Record<string, number>;
    const memTotal = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
    assert.equal(memory.total, memTotal);
    for (const field of ['available', 'percent', 'used', 'free', 'active', 'inactive', 'buffers', 'cached', 'shared', 'slab']) {
      assert.equal(typeof memory[field], 'number', field);
    }
    assert.ok(memory.available > 0 && memory.available <= memory.total);
    assert.ok(memory.percent >= 0 && memory.percent <= 100);
    assert.ok(typeof content.host_cpu_percent === 'number' && content.host_cpu_percent >= 0 && content.host_cpu_percent <= 100);
  });

  it('counts the CPU and memory of a program a cell left running in the background', async () => {
    const before = await usage();
    const cell = ['%%cpp hog.c', '%run gcc hog.c -o hog.exe', '%run ./hog.exe > hog.log &', HOG_C].join('\n');
    const { reply } = await kernel.execute(cell);
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    const deadline = Date.now() + 20000;
    while (!/hog ready/.test(readLog(kernel.dir))) {
      assert.ok(Date.now() < deadline, 'the program started');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const during = await usage();
    const grown = Number(during.kernel_memory) - Number(before.kernel_memory);
    assert.ok(grown > 60 * MiB, `kernel_memory grew by the program's 64 MiB: ${(grown / MiB).toFixed(1)} MiB`);
    // One busy core is 100 %; on a shared machine it gets less.
    assert.ok(Number(during.kernel_cpu) > 30, `kernel_cpu counts the busy program: ${String(during.kernel_cpu)}`);
    // The heartbeat still answers at once: nothing was read synchronously.
    assert.ok((await kernel.heartbeat()) < 2000);
  });
});

function readLog(dir: string): string {
  try {
    return readFileSync(`${dir}/hog.log`, 'utf8');
  } catch {
    return '';
  }
}
