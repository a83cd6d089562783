import * as assert from 'node:assert/strict';
import { annotationsIn } from './support/annotations';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { ExecutorClient, type ExecuteOptions } from '../kernel/executor/host/client';
import { FencedOutput } from '../kernel/executor/host/fenced-output';
import { fenceMarker } from '../kernel/executor/protocol';
import type { CellOutcome } from '../kernel/interpreter/outcome';
import { MemorySink } from './support/executor-sink';
import { stripAnsi } from '../kernel/grading/cell-text';

describe('executor (TypeScript cells in a child process)', function () {
  this.timeout(20000);
  let dir: string;
  let client: ExecutorClient;
  const extraClients: ExecutorClient[] = [];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockbook-executor-'));
    client = new ExecutorClient();
  });

  after(async () => {
    await Promise.all([client, ...extraClients].map((c) => c.shutdown()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function options(extra: Partial<ExecuteOptions> = {}): ExecuteOptions {
    return { allowStdin: false, cwd: dir, ...extra };
  }

  async function run(code: string, on = client, sink = new MemorySink(), signal = new AbortController().signal, opts = options()) {
    const outcome = await on.execute(code, sink, signal, opts);
    return { outcome, sink };
  }

  function assertOk(outcome: CellOutcome): void {
    assert.equal(outcome.status, 'ok', outcome.status === 'error' ? outcome.traceback.join('\n') : '');
  }

  function freshClient(): ExecutorClient {
    const c = new ExecutorClient();
    extraClients.push(c);
    return c;
  }

  it('shows the value of the final expression', async () => {
    const { outcome, sink } = await run('1 + 1');
    assertOk(outcome);
    assert.equal(sink.result(), '2');
    const object = await run('({ a: 1, b: [1, 2], s: "x" })');
    assert.equal(object.sink.result(), "{ a: 1, b: [ 1, 2 ], s: 'x' }");
    const none = await run('const unused = 5;');
    assert.equal(none.sink.result(), undefined);
  });

  it('keeps declarations across cells and lets a cell declare them again', async () => {
    assertOk((await run('const x: number = 1;\nlet y = x + 1;\nfunction twice(n: number) { return 2 * n; }\nclass Box { constructor(public v: number) {} }')).outcome);
    assert.equal((await run('twice(x + y)')).sink.result(), '6');
    assert.equal((await run('new Box(y).v')).sink.result(), '2');
    assertOk((await run('const x = 10;')).outcome);
    assert.equal((await run('x')).sink.result(), '10');
    assertOk((await run('const { a, b: [c] } = { a: 3, b: [4] };')).outcome);
    assert.equal((await run('a + c')).sink.result(), '7');
  });

  it('supports imports and require', async () => {
    assertOk((await run("import * as nodeOs from 'node:os';\nimport pathModule from 'node:path';\nimport { basename } from 'path';")).outcome);
    assert.equal((await run("pathModule.join('a', basename('/x/b'))")).sink.result(), "'a/b'");
    assert.equal((await run('typeof nodeOs.cpus')).sink.result(), "'function'");
    assert.equal((await run("require('node:fs').existsSync('.')")).sink.result(), 'true');
  });

  it('supports top-level await and keeps what it declares', async () => {
    const { outcome, sink } = await run('const later = await new Promise<number>((r) => setTimeout(() => r(41), 20));\nlater + 1');
    assertOk(outcome);
    assert.equal(sink.result(), '42');
    assert.equal((await run('later')).sink.result(), '41');
    assert.equal((await run('await sleep(10); "slept"')).sink.result(), "'slept'");
  });

  it('sends console output and direct fd writes as streams, in order, before the cell ends', async () => {
    const { outcome, sink } = await run(
      "console.log('one');\nprocess.stdout.write('two\\n');\nrequire('node:fs').writeSync(1, 'three\\n');\nconsole.error('oops');\nawait sleep(5);\nconsole.log('four');",
    );
    assertOk(outcome);
    assert.equal(sink.text('stdout'), 'one\ntwo\nthree\nfour\n');
    assert.equal(sink.text('stderr'), 'oops\n');
  });

  it('shows printf output of native code called through koffi', async () => {
    const { outcome, sink } = await run(
      "import koffi from 'koffi';\nconst printf = koffi.load('libc.so.6').func('int printf(const char *fmt, ...)');\nconsole.log('js first');\nprintf('native %d\\n', 'int', 42);\nconsole.log('js last');",
    );
    assertOk(outcome);
    assert.equal(sink.text('stdout'), 'js first\nnative 42\njs last\n');
  });

  it('supports dynamic import()', async () => {
    const { outcome, sink } = await run("const { platform } = await import('node:os');\nplatform()");
    assertOk(outcome);
    assert.equal(sink.result(), `'${process.platform}'`);
    assert.equal(sink.text('stderr'), '');
  });

  it('puts displays in order with printed text', async () => {
    const { outcome, sink } = await run("console.log('before');\ndisplay.html('<b>hi</b>');\nconsole.log('after');\ndisplay.markdown('# Title');");
    assertOk(outcome);
    const kinds = sink.records.map((r) => (r.type === 'stream' ? `${r.name}:${r.text}` : r.type));
    assert.deepEqual(kinds, ['stdout:before\n', 'display', 'stdout:after\n', 'display']);
    const [html, markdown] = sink.records.filter((r) => r.type === 'display');
    assert.equal(html?.type === 'display' && html.data['text/html'], '<b>hi</b>');
    assert.equal(markdown?.type === 'display' && markdown.data['text/markdown'], '# Title');
    assert.equal(sink.result(), undefined, 'a display handle as the final value is not shown twice');
  });

  it('updates a display by id and clears output', async () => {
    const { outcome, sink } = await run("const h = display.text('0%', { id: 'progress' });\nh.update('100%');\ndisplay.clear(true);");
    assertOk(outcome);
    assert.deepEqual(sink.records, [
      { type: 'display', data: { 'text/plain': '0%' }, metadata: {}, displayId: 'progress' },
      { type: 'update', displayId: 'progress', data: { 'text/plain': '100%' } },
      { type: 'clear', wait: true },
    ]);
  });

  it('uses an object\'s own MIME bundle for the result', async () => {
    const { sink } = await run("({ [Symbol.for('sockbook.mimebundle')]() { return { 'text/html': '<i>me</i>' }; } })");
    const result = sink.records.find((r) => r.type === 'result');
    assert.equal(result?.type === 'result' && result.data['text/html'], '<i>me</i>');
  });

  it('reports a thrown error with the cell line', async () => {
    const { outcome } = await run("const ok = 1;\nfunction boom(): never {\n  throw new RangeError('too big');\n}\nboom();", client, new MemorySink(), new AbortController().signal, options({ executionCount: 7 }));
    assert.equal(outcome.status, 'error');
    if (outcome.status !== 'error') return;
    assert.equal(outcome.ename, 'RangeError');
    assert.equal(outcome.evalue, 'too big');
    // The user sees the traceback coloured; its text is what is checked here.
    const lines = outcome.traceback.map(stripAnsi);
    const text = lines.join('\n');
    const frames = lines.filter((line) => line.startsWith('    at '));
    assert.deepEqual(frames, ['    at boom (cell[7]:3:9)', '    at cell[7]:5:1']);
    assert.match(text, /3 \|   throw new RangeError\('too big'\);\n  \|         \^/);
  });

  it('reports a syntax error with its position and runs nothing', async () => {
    const { outcome, sink } = await run("console.log('ran');\nlet z = (1 + ;", client, new MemorySink(), new AbortController().signal, options({ executionCount: 9 }));
    assert.equal(outcome.status, 'error');
    if (outcome.status !== 'error') return;
    assert.equal(outcome.ename, 'SyntaxError');
    assert.match(outcome.evalue, /cell\[9\]:2:14/);
    assert.equal(sink.text('stdout'), '');
  });

  it('reports type errors on stderr and runs the cell anyway', async () => {
    // A completion is answered once the type checker is loaded; from then on a cell waits for its own check.
    await client.complete('Math.ma', 7);
    const { outcome, sink } = await run("const typed: number = 'text';\ntyped", client, new MemorySink(), new AbortController().signal, options({ executionCount: 11 }));
    assertOk(outcome);
    assert.match(sink.text('stderr'), /cell\[11\]:1:7 - error TS2322: Type 'string' is not assignable to type 'number'/);
    assert.equal(sink.result(), "'text'");
  });

  it('runs the first cell of a fresh executor without waiting for the type checker, and reports its type errors later', async () => {
    const fresh = freshClient();
    const first = await run("const early: number = 'text';\nearly", fresh, new MemorySink(), new AbortController().signal, options({ executionCount: 1 }));
    assertOk(first.outcome);
    assert.equal(first.sink.result(), "'text'");
    await fresh.complete('earl', 4);
    const next = await run('early.length', fresh, new MemorySink(), new AbortController().signal, options({ executionCount: 2 }));
    assert.equal(next.sink.result(), '4');
    const stderr = first.sink.text('stderr') + next.sink.text('stderr');
    assert.equal(stderr.match(/cell\[1\]:1:7 - error TS2322: Type 'string' is not assignable to type 'number'/g)?.length, 1, stderr);
  });

  it('completes with the language service, knowing earlier cells', async () => {
    const math = await client.complete('Math.ma', 7);
    assert.ok(math.matches.includes('max'), math.matches.join(','));
    assert.ok(!math.matches.includes('min'));
    assert.equal(math.cursorStart, 5);
    assert.equal(math.cursorEnd, 7);
    await run('const sockbookAnswer = { fortyTwo: 42 };');
    const mine = await client.complete('sockbookAnswer.fo', 17);
    assert.deepEqual(mine.matches, ['fortyTwo']);
    const info = await client.inspect('sockbookAnswer', 3, 0);
    assert.equal(info.found, true);
    assert.match(String(info.data['text/plain']), /fortyTwo: number/);
  });

  it('has libc built in, with completions', async () => {
    const { outcome, sink } = await run('libc.getpid() === process.pid');
    assertOk(outcome);
    assert.equal(sink.result(), 'true');
    const completion = await client.complete('libc.getp', 9);
    assert.ok(completion.matches.includes('getpid'), completion.matches.join(','));
  });

  it('tells whether code is complete', async () => {
    assert.deepEqual(await client.isComplete('function f() {'), { status: 'incomplete', indent: '  ' });
    assert.equal((await client.isComplete('const s = `abc')).status, 'incomplete');
    assert.equal((await client.isComplete('1 +')).status, 'incomplete');
    assert.deepEqual(await client.isComplete('function f() { return 1; }'), { status: 'complete' });
    assert.deepEqual(await client.isComplete('}}}'), { status: 'invalid' });
  });

  it('evaluates user_expressions', async () => {
    await run('const ue = [1, 2, 3];');
    const results = await client.evaluateExpressions({ length: 'ue.length', bad: 'notDefinedAnywhere + 1' });
    assert.deepEqual(results['length'], { status: 'ok', data: { 'text/plain': '3' }, metadata: {} });
    assert.equal(results['bad']?.status, 'error');
    assert.equal(results['bad']?.status === 'error' && results['bad'].ename, 'ReferenceError');
  });

  it('input() fails clearly without stdin and answers through the sink with it', async () => {
    const refused = await run("await input('name? ')");
    assert.equal(refused.outcome.status, 'error');
    assert.equal(refused.outcome.status === 'error' && refused.outcome.ename, 'StdinNotImplementedError');
    const sink = new MemorySink(true, ['Ada']);
    const { outcome } = await run("console.log('asking');\nconst who = await input('name? ');\n`hello ${who}`", client, sink, new AbortController().signal, options({ allowStdin: true }));
    assertOk(outcome);
    assert.deepEqual(sink.records.slice(0, 2), [{ type: 'stream', name: 'stdout', text: 'asking\n' }, { type: 'input', prompt: 'name? ' }]);
    assert.equal(sink.result(), "'hello Ada'");
  });

  it('interrupts a synchronous busy loop and keeps the state', async () => {
    await run('const kept = "still here";');
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    const { outcome } = await run('while (true) {}', client, new MemorySink(), controller.signal);
    assert.ok(Date.now() - started < 2000);
    assert.equal(outcome.status === 'error' && outcome.ename, 'KeyboardInterrupt');
    assert.equal((await run('kept')).sink.result(), "'still here'");
  });

  it('cuts a flood of cell output at 1 MiB and keeps all of it in a file', async () => {
    const { sink, outcome } = await run('const row = "y".repeat(99);\nfor (let i = 0; i < 50000; i++) console.log(row);');
    assertOk(outcome);
    const shown = sink.text('stdout');
    assert.ok(shown.length >= 1 << 20 && shown.length < (1 << 20) + 200000, `${shown.length} characters were shown`);
    const note = /output cut: (\d+) more bytes; all of it was kept in (\S+)/.exec(annotationsIn(sink.records, 'output-cut').join('\n'));
    assert.ok(note, JSON.stringify(annotationsIn(sink.records)));
    assert.equal(sink.text('stderr'), '', 'the note is beside the output, not in it');
    assert.equal(Number(note[1]) + Buffer.byteLength(shown), 5000000);
    await new Promise((r) => setTimeout(r, 200)); // the file is written asynchronously
    assert.equal(fs.statSync(note[2]).size, 5000000);
    fs.rmSync(path.dirname(note[2]), { recursive: true, force: true });
  });

  it('interrupting blocking libc calls never stops the cell after them', async function () {
    this.timeout(60000);
    assertOk((await run('var idleEpoll = libc.epoll_create1(0); var idleEvents: any[] = [];')).outcome);
    const calls = ['libc.epoll_wait(idleEpoll, idleEvents, 8, -1)', 'await libc.epoll_wait_async(idleEpoll, idleEvents, 8, -1)'];
    for (let i = 0; i < 12; i++) {
      const controller = new AbortController();
      const sink = new MemorySink();
      const running = run(`console.log("waiting");\n${calls[i % 2]}`, client, sink, controller.signal);
      while (!sink.text('stdout').includes('waiting')) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20 + ((i * 37) % 150)));
      controller.abort();
      const { outcome } = await running;
      assert.equal(outcome.status === 'error' && outcome.ename, 'KeyboardInterrupt', `round ${i}`);
      const after = await run('kept');
      assertOk(after.outcome);
      assert.equal(after.sink.result(), "'still here'", `round ${i}: the next cell ran untouched`);
    }
    assertOk((await run('libc.close(idleEpoll)')).outcome);
  });

  it('survives interrupts at any moment of a cell: never restarts, never stops the next cell', async function () {
    this.timeout(60000);
    // Interrupts landing while a cell is queued, compiling, starting, looping or flooding its output.
    const cells = ['console.log("x"); while (true) {}', 'for (let i = 0; ; i++) console.log(i)', 'await new Promise(() => {})'];
    for (let i = 0; i < 18; i++) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 1 + ((i * 17) % 90));
      const { outcome } = await run(cells[i % cells.length], client, new MemorySink(), controller.signal);
      assert.equal(outcome.status === 'error' && outcome.ename, 'KeyboardInterrupt', `round ${i}`);
      assert.doesNotMatch(outcome.status === 'error' ? outcome.evalue : '', /restarted|executor/, `round ${i}`);
      const after = await run('kept');
      assertOk(after.outcome);
      assert.equal(after.sink.result(), "'still here'", `round ${i}: the state survived and the next cell ran`);
    }
  });

  it('interrupts a cell waiting on a promise that never settles', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const { outcome } = await run('await new Promise(() => {});', client, new MemorySink(), controller.signal);
    assert.equal(outcome.status === 'error' && outcome.ename, 'KeyboardInterrupt');
    assert.equal((await run('kept')).sink.result(), "'still here'");
  });

  it('reports output of a timer after its cell and survives its uncaught error', async () => {
    const sink = new MemorySink();
    assertOk((await run("setTimeout(() => { throw new Error('late'); }, 10);", client, sink)).outcome);
    await new Promise((r) => setTimeout(r, 150));
    assert.match(stripAnsi(sink.text('stderr')), /Uncaught exception: Error: late/);
    assert.equal((await run('kept')).sink.result(), "'still here'");
  });

  it('restarts the executor when a cell exits the process', async () => {
    const c = freshClient();
    await run('const gone = 1;', c);
    const { outcome } = await run("console.log('bye');\nprocess.exit(3)", c);
    assert.equal(outcome.status, 'error');
    if (outcome.status !== 'error') return;
    assert.equal(outcome.ename, 'ExecutorDied');
    assert.match(outcome.evalue, /exited with code 3/);
    const next = await run('typeof gone', c);
    assertOk(next.outcome);
    assert.equal(next.sink.result(), "'undefined'");
  });

  it('kills and replaces an executor that does not stop after an interrupt', async () => {
    const c = new ExecutorClient({ interruptGraceMs: 500 });
    extraClients.push(c);
    await run('const old = 1;', c);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const { outcome } = await run('await sleep(1);\nwhile (true) {}', c, new MemorySink(), controller.signal);
    assert.equal(outcome.status === 'error' && outcome.ename, 'KeyboardInterrupt');
    assert.match(outcome.status === 'error' ? outcome.evalue : '', /did not stop within 0\.5 s of the interrupt, so the executor was restarted; earlier state .* is lost/);
    assert.equal((await run('typeof old', c)).sink.result(), "'undefined'");
  });
});

describe('FencedOutput (ordering pipe output with IPC events)', () => {
  it('holds text after a fence until the event is delivered, even with markers split across reads', () => {
    const seen: string[] = [];
    const output = new FencedOutput('abc', (name, text) => seen.push(`${name}:${text}`));
    const out = new PassThrough();
    const err = new PassThrough();
    output.attach('stdout', out);
    output.attach('stderr', err);
    const marker = fenceMarker('abc', 1);
    out.write(`before${marker.slice(0, 9)}`);
    out.write(`${marker.slice(9)}after`);
    assert.deepEqual(seen, ['stdout:before']);
    output.expect(1, () => seen.push('event'));
    assert.deepEqual(seen, ['stdout:before'], 'stderr has not reached the fence yet');
    err.write(`warn${marker}`);
    assert.deepEqual(seen, ['stdout:before', 'stderr:warn', 'event', 'stdout:after']);
    out.write('\u0000 not a marker');
    assert.equal(seen[seen.length - 1], 'stdout:\u0000 not a marker');
  });
});
