import * as assert from 'node:assert/strict';
import { annotationsOf } from './support/annotations';
import type { Message } from '../kernel/wire/message';
import { rewriteMagicLines, splitComment } from '../kernel/executor/child/magic-lines';
import { KernelClient } from './support/kernel-client';
import { isAlive, isReaped, until } from './support/processes';
import { useKernel, useKernelPerTest } from './support/kernel-fixture';

const ofType = (messages: Message[], type: string) => messages.filter((m) => m.header.msg_type === type);
const resultText = (messages: Message[]) => (ofType(messages, 'execute_result')[0]?.content.data as Record<string, unknown> | undefined)?.['text/plain'];
const plainOf = (m: Message) => String((m.content.data as Record<string, unknown>)['text/plain']);
const displayIdOf = (m: Message) => (m.content.transient as { display_id?: string } | undefined)?.display_id;

describe('TypeScript built-ins: sh, !cmd, %p, launch (over real ZeroMQ)', function () {
  this.timeout(60000);
  const kernel = useKernel();
  /** Processes the tests started through the kernel, ended by pid if a test failed before the kernel did. */
  const pids = new Set<number>();

  after(async () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
  });

  async function ok(code: string): Promise<Message[]> {
    const { reply, outputs } = await kernel.execute(code);
    assert.equal(reply.content.status, 'ok', `${code}\n${JSON.stringify(reply.content)}`);
    return outputs;
  }

  /** Starts a cell, interrupts it once `ready` (and settleMs more), and returns how long the reply took after the interrupt. */
  async function interruptAfter(code: string, ready: (msgId: string) => boolean, settleMs = 0): Promise<{ reply: Message; ms: number; msgId: string }> {
    const { frames, msgId } = kernel.message('execute_request', {
      code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true,
    });
    const replied = kernel.reply(msgId, 20000);
    await kernel.sendFrames('shell', frames);
    await kernel.waitFor(() => ready(msgId), 20000);
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    const interruptedAt = Date.now();
    await kernel.request('control', 'interrupt_request', {});
    const reply = await replied;
    const ms = Date.now() - interruptedAt;
    await kernel.waitIdle(msgId);
    return { reply, ms, msgId };
  }

  it('sh() streams the output, notes a failing exit beside it and resolves to the status', async () => {
    const outputs = await ok('await sh("echo hi; exit 3")');
    assert.equal(KernelClient.streamText(outputs, 'stdout'), 'hi\n');
    assert.equal(KernelClient.streamText(outputs, 'stderr'), '');
    assert.deepEqual(annotationsOf(outputs, 'exit'), ['exit code 3']);
    assert.equal(resultText(outputs), '3');
    const killed = await ok('await sh("kill -SEGV $$")');
    assert.deepEqual(annotationsOf(killed, 'exit'), ['killed by signal 11 (SIGSEGV)']);
    assert.equal(resultText(killed), '139');
    const quiet = await ok('const status = await sh("cat; printf done"); status');
    assert.equal(KernelClient.streamText(quiet, 'stdout'), 'done', 'stdin reads end-of-file at once');
    assert.equal(resultText(quiet), '0');
  });

  it('answers ?name and name? with the pager: the TypeScript type and the doc comment', async () => {
    const page = async (code: string): Promise<string> => {
      const { reply } = await kernel.execute(code);
      assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
      const payload = (reply.content.payload as Array<{ source: string; data: Record<string, string> }>)[0];
      assert.equal(payload?.source, 'page');
      return payload.data['text/plain'];
    };
    assert.match(await page('?Math.max'), /max\(\.\.\.values: number\[\]\): number/);
    const display = await page('display?');
    assert.match(display, /const display: SockbookDisplay/);
    assert.match(display, /Rich output in the cell/);
  });

  it('runs !cmd lines in order with the TypeScript around them', async () => {
    const outputs = await ok(
      [
        'const n = 3;',
        'console.log("ts", n)',
        '!echo "shell $((1 + 2))"',
        'for (let i = 0; i < 2; i++) {',
        '  !echo loop',
        '}',
        'const text = `',
        '!echo inside a template: not run',
        '`;',
        '// !echo in a comment: not run',
        'const negated = n > 0 &&',
        '  !false;',
        'console.log("done", text.length, negated)',
      ].join('\n'),
    );
    assert.equal(KernelClient.streamText(outputs), 'ts 3\nshell 3\nloop\nloop\ndone 34 true\n');
    assert.equal(resultText(outputs), undefined, 'a final !cmd line shows no value');
    const last = await ok('const m = 1\n!exit 2');
    assert.equal(resultText(last), undefined);
    assert.deepEqual(annotationsOf(last, 'exit'), ['exit code 2']);
  });

  it('shows %p lines as Markdown, each when it is reached', async () => {
    const single = await ok('%p 6*7  # answer');
    const [display] = ofType(single, 'display_data');
    assert.equal((display?.content.data as Record<string, unknown>)['text/markdown'], '`6*7 = 42`  # answer');
    const mixed = await ok('const word = "sock";\n%p word\nconsole.log("between")\n%p word.length + 1');
    const shown = mixed
      .filter((m) => ['display_data', 'stream'].includes(m.header.msg_type))
      .map((m) => (m.header.msg_type === 'stream' ? String(m.content.text) : (m.content.data as Record<string, unknown>)['text/markdown']));
    assert.deepEqual(shown, ["`word = 'sock'`", 'between\n', '`word.length + 1 = 5`']);
  });

  it('launch() shows one live display of O/E/I/L lines, across cells', async () => {
    const program = 'echo out; echo err >&2; read line; echo "got $line"; cat >/dev/null; exit 5';
    const first = await ok(`const server = launch(${JSON.stringify(program)});`);
    const [display] = ofType(first, 'display_data');
    const id = display ? displayIdOf(display) : undefined;
    assert.ok(id, 'the display has a display_id');
    assert.match(String((display?.content.data as Record<string, unknown>)['text/html']), /^<pre>/);
    const pid = Number(resultText(await ok('await sleep(300);\nserver.pid')));
    pids.add(pid);
    assert.ok(isAlive(pid));
    await ok('server.write("hello\\n")');
    const closing = await ok('await server.close()');
    assert.equal(resultText(closing), '{ exitCode: 5, signal: null }');
    const updates = ofType(kernel.iopubMessages, 'update_display_data').filter((m) => displayIdOf(m) === id);
    assert.ok(updates.length >= 2, `updated in place (${updates.length} updates)`);
    const final = updates[updates.length - 1] as Message;
    assert.ok(closing.includes(final), 'the final state is sent before the cell that waited for it ends');
    assert.deepEqual(plainOf(final).split('\n'), [`L: started pid ${pid}`, 'O: out', 'E: err', 'I: hello', 'O: got hello', 'L: exit code 5']);
    assert.equal(String((final.content.data as Record<string, unknown>)['text/html']), `<pre>${plainOf(final)}</pre>`);
    assert.ok(await until(() => isReaped(pid), 1000));
  });

  it('launch() kill() ends the program and says by which signal', async () => {
    await ok('const sleeper = launch("exec sleep 30");\nawait sleep(200);');
    const outputs = await ok('sleeper.kill();\nawait sleeper.wait()');
    assert.equal(resultText(outputs), "{ exitCode: null, signal: 'SIGTERM' }");
    const final = ofType(outputs, 'update_display_data').pop();
    assert.match(final ? plainOf(final) : '', /\nL: killed by signal 15 \(SIGTERM\)$/);
  });

  it('launch() throttles the updates of a chatty program and keeps its last 1000 lines', async () => {
    const outputs = await ok('const chatty = launch("seq 1 20000");\nawait chatty.wait();');
    const updates = ofType(outputs, 'update_display_data');
    assert.ok(updates.length >= 1 && updates.length < 30, `${updates.length} updates`);
    const lines = plainOf(updates[updates.length - 1] as Message).split('\n');
    assert.equal(lines.length, 1001);
    assert.match(lines[0] ?? '', /^L: \(\d+ earlier lines not shown\)$/);
    assert.deepEqual(lines.slice(-2), ['O: 20000', 'L: exit code 0']);
  });

  it('interrupting await sh("sleep 100") ends the cell with KeyboardInterrupt and the command', async () => {
    const { reply, ms, msgId } = await interruptAfter('await sh("echo $$; exec sleep 100")', (id) => /^\d+\n/.test(KernelClient.streamText(kernel.outputsOf(id))));
    const pid = Number(KernelClient.streamText(kernel.outputsOf(msgId)).trim());
    pids.add(pid);
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    assert.ok(ms < 2500, `the cell ended ${ms} ms after the interrupt`);
    assert.ok(isReaped(pid), 'the command is gone (reaped) when the cell ends');
  });

  for (const call of ['libc.epoll_wait(ep, events, 8, -1)', 'await libc.epoll_wait_async(ep, events, 8, -1)']) {
    it(`interrupting ${call} on an idle epoll ends within 1 s and keeps the state`, async () => {
      await ok('const kept = "still here";\nconst ep = libc.epoll_create1(0);\nconst events: Parameters<typeof libc.epoll_wait>[1] = [];');
      // Interrupted while it waits: after the line before the call was printed, and a moment more for the async form to be under way.
      const { reply, ms } = await interruptAfter(`console.log("waiting");\n${call}`, (id) => KernelClient.streamText(kernel.outputsOf(id)) === 'waiting\n', 200);
      assert.equal(reply.content.ename, 'KeyboardInterrupt', JSON.stringify(reply.content));
      assert.ok(ms < 1000, `the cell ended ${ms} ms after the interrupt`);
      assert.equal(resultText(await ok('libc.close(ep);\nkept')), "'still here'");
    });
  }

  it('ends launched programs when the executor is restarted', async () => {
    await ok('const survivor = launch("exec sleep 60");\nawait sleep(200);');
    const pid = Number(resultText(await ok('survivor.pid')));
    pids.add(pid);
    assert.ok(isAlive(pid));
    // A cell that ignores the interrupt makes the kernel restart the executor.
    const { reply } = await interruptAfter('await null;\nconsole.log("looping");\nwhile (true) {}', (id) => KernelClient.streamText(kernel.outputsOf(id)) === 'looping\n');
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    assert.match(String(reply.content.evalue), /restarted/);
    assert.ok(await until(() => isReaped(pid), 2000), 'the launched program is gone after the restart');
    assert.equal(resultText(await ok('typeof survivor')), "'undefined'");
  });
});

describe('launched programs at kernel shutdown', function () {
  this.timeout(60000);
  const startKernel = useKernelPerTest();
  let pid: number | undefined;
  afterEach(async () => {
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('are ended by shutdown_request before the reply', async () => {
    const kernel = await startKernel();
    const started = await kernel.execute('const background = launch("exec sleep 60");\nawait sleep(200);\nbackground.pid');
    pid = Number(resultText(started.outputs));
    assert.ok(Number.isInteger(pid) && isAlive(pid), `a running pid, got ${resultText(started.outputs)}`);
    const reply = await kernel.request('control', 'shutdown_request', { restart: false });
    assert.equal(reply.content.status, 'ok');
    assert.ok(isReaped(pid), 'the launched program is gone (reaped) when shutdown_reply arrives');
    assert.equal(await kernel.waitExit(), 0);
  });
});

describe('!cmd and %p lines in TypeScript (the line rule)', () => {
  it('rewrites a line starting with ! or %p where a statement may start, in place', () => {
    assert.equal(rewriteMagicLines('let a = 1\n  !ls -l "x y"\na'), 'let a = 1\n  void await __sockbookShell("ls -l \\"x y\\"");\na');
    assert.equal(rewriteMagicLines('if (a)\n  !!pwd\ni++\n!ls'), 'if (a)\n  void await __sockbookShell("pwd");\ni++\nvoid await __sockbookShell("ls");');
    assert.equal(rewriteMagicLines('%p a.b  # note'), '__sockbookShowValue("a.b", (a.b), "note");');
  });

  it('leaves ! lines in strings, templates, comments and continued expressions alone', () => {
    for (const code of [
      'const t = `\n!ls\n`',
      'const t = `${`\n!ls`}`',
      '/*\n!ls\n*/',
      'const s = "a\\\n!ls"',
      'const ok = a &&\n  !b',
      'call(\n  !b)',
      'const t = typeof\n!x',
      'a\n!== b',
    ]) {
      assert.equal(rewriteMagicLines(code), code, code);
    }
    assert.equal(rewriteMagicLines('const r = /`/\n!ls'), 'const r = /`/\nvoid await __sockbookShell("ls");');
  });

  it('splits %p at the first # after a blank outside strings', () => {
    assert.deepEqual(splitComment('"#1" + x  # why'), { expression: '"#1" + x', comment: 'why' });
    assert.deepEqual(splitComment('this.#secret'), { expression: 'this.#secret' });
    assert.deepEqual(splitComment('n; // not shown'), { expression: 'n' });
  });
});
