import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KernelClient } from './support/kernel-client';
import { descendantPids } from './support/pids';
import { useKernel } from './support/kernel-fixture';

/** Every process under pid (not pid itself), with its command line. */
function descendants(pid: number): Array<{ pid: number; command: string }> {
  return descendantPids(pid).flatMap((child) => {
    try {
      return [{ pid: child, command: readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').join(' ').trim() }];
    } catch {
      return []; // it ended meanwhile
    }
  });
}

const isExecutor = (p: { command: string }) => /executor[/\\]child[/\\]child\.js/.test(p.command);

describe('footprint: the TypeScript executor starts only when TypeScript needs it', function () {
  this.timeout(120000);
  const kernel = useKernel();

  it('runs C, shell and line-magic cells, C completion and man pages without ever starting it', async () => {
    const cpp = ['%%cpp hello.c', '%run gcc hello.c -o hello.exe', '%run ./hello.exe', '#include <stdio.h>', 'int main(){printf("hi\\n");}'].join('\n');
    const c = await kernel.execute(cpp);
    assert.equal(c.reply.content.status, 'ok');
    assert.equal(KernelClient.streamText(c.outputs), 'hi\n');
    const shell = await kernel.execute('!echo from-bash');
    assert.equal(KernelClient.streamText(shell.outputs), 'from-bash\n');
    assert.equal((await kernel.execute('%pwd')).reply.content.status, 'ok');
    const partial = '%%cpp more.c\n#include <sys/socket.h>\nint s = sock';
    const completion = await kernel.request('shell', 'complete_request', { code: partial, cursor_pos: partial.length });
    assert.ok((completion.content.matches as string[]).includes('socket'), String(completion.content.matches));
    const page = '%%cpp page.c\nint s = socket(AF_INET, SOCK_STREAM, 0);';
    const inspection = await kernel.request('shell', 'inspect_request', { code: page, cursor_pos: page.indexOf('socket(') + 3, detail_level: 0 });
    assert.equal(inspection.content.found, true);
    // A cell magic waits for a blank line, as IPython's do; neither answer needs the executor.
    const typing = await kernel.request('shell', 'is_complete_request', { code: cpp.trimEnd() });
    assert.equal(typing.content.status, 'incomplete');
    const complete = await kernel.request('shell', 'is_complete_request', { code: `${cpp.trimEnd()}\n\n` });
    assert.equal(complete.content.status, 'complete');
    assert.deepEqual(descendants(kernel.process.pid as number).filter(isExecutor), []);
  });

  it('starts it at the first TypeScript cell, which still reports its type errors', async () => {
    const typed = await kernel.execute("const early: number = 'text';\nearly");
    assert.equal(typed.reply.content.status, 'ok');
    assert.equal(descendants(kernel.process.pid as number).filter(isExecutor).length, 1);
    // The first cell does not wait for the type checker to load: its errors come with it or with the next cell.
    // A member of a cell's value is completed by the checker (the kernel's table cannot): this waits for it to load.
    const completion = await kernel.request('shell', 'complete_request', { code: 'early.toFi', cursor_pos: 10 });
    assert.ok((completion.content.matches as string[]).includes('toFixed'), String(completion.content.matches));
    const next = await kernel.execute('early.length');
    const stderr = KernelClient.streamText(typed.outputs, 'stderr') + KernelClient.streamText(next.outputs, 'stderr');
    const errors = stderr.match(/cell\[\d+\]:1:7 - error TS2322: Type 'string' is not assignable to type 'number'/g) ?? [];
    assert.equal(errors.length, 1, stderr);
    // Once the checker is loaded, a cell's type errors come before its own output.
    const later = await kernel.execute("const late: string = 5;\nconsole.log('ran')");
    const order = later.outputs.filter((m) => m.header.msg_type === 'stream').map((m) => `${String(m.content.name)}:${String(m.content.text)}`);
    assert.match(order[0] ?? '', /^stderr:cell\[\d+\]:1:7 - error TS2322: Type 'number' is not assignable to type 'string'/);
    assert.equal(KernelClient.streamText(later.outputs), 'ran\n');
  });
});

describe('footprint: an idle executor gives its type checker back', function () {
  this.timeout(120000);
  const kernel = useKernel({ env: { SOCKBOOK_CHECKER_IDLE_S: '2' } });

  /** The executor's resident memory (kB) and its number of threads. */
  function executorStatus(): { rssKb: number; threads: number } {
    const [executor] = descendants(kernel.process.pid as number).filter(isExecutor);
    const status = readFileSync(`/proc/${executor.pid}/status`, 'utf8');
    return { rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]), threads: Number(/Threads:\s+(\d+)/.exec(status)?.[1]) };
  }

  it('ends the checker thread after the idle time, and a completion and type errors still work after it', async () => {
    await kernel.execute('const kept = 41;');
    // A completion the kernel cannot answer from its own table (a member of a cell's value) waits for the checker: it is loaded now.
    const first = await kernel.request('shell', 'complete_request', { code: 'kept.toFi', cursor_pos: 9 }, 60000);
    assert.ok((first.content.matches as string[]).includes('toFixed'));
    const loaded = executorStatus();
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const idle = executorStatus();
    assert.ok(idle.threads < loaded.threads, `threads: ${loaded.threads} loaded, ${idle.threads} idle`);
    assert.ok(loaded.rssKb - idle.rssKb > 20 * 1024, `RSS: ${loaded.rssKb} kB loaded, ${idle.rssKb} kB idle`);
    // Started again with the cells it knew.
    const again = await kernel.request('shell', 'complete_request', { code: 'kept.toFi', cursor_pos: 9 }, 60000);
    assert.ok((again.content.matches as string[]).includes('toFixed'), String(again.content.matches));
    const typed = await kernel.execute("const wrong: number = 'text';");
    const next = await kernel.execute('kept + 1');
    const stderr = KernelClient.streamText(typed.outputs, 'stderr') + KernelClient.streamText(next.outputs, 'stderr');
    assert.match(stderr, /error TS2322: Type 'string' is not assignable to type 'number'/);
  });
});

describe('footprint: an idle kernel ends its spare helpers', function () {
  this.timeout(120000);
  const kernel = useKernel({ env: { SOCKBOOK_SPARE_IDLE_S: '1' } });

  const spares = () => descendants(kernel.process.pid as number).filter((p) => /sockbook-run --spare/.test(p.command));

  it('keeps spares while commands come, ends them after the idle time, and the next command still runs', async () => {
    const first = await kernel.execute('!echo one');
    assert.equal(KernelClient.streamText(first.outputs), 'one\n');
    assert.ok(spares().length > 0, 'a terminal command leaves spares for the next ones');
    let left = spares().length;
    for (let waited = 0; left > 0 && waited < 20000; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = spares().length;
    }
    assert.equal(left, 0, 'no spare is left once no command came for the idle time');
    const next = await kernel.execute('!echo two');
    assert.equal(KernelClient.streamText(next.outputs), 'two\n');
    assert.equal(next.reply.content.status, 'ok');
  });
});
