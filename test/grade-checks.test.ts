// grade.check in the TypeScript executor: typed and documented for completion
// and help, each check shown in the cell as a grey line that carries the check
// in its metadata; the C/shell line format read by the same parser.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkOf, checksInText } from '../kernel/display/check';
import { annotationKindOf } from '../kernel/display/annotation';
import { ExecutorClient } from '../kernel/executor/host/client';
import { MemorySink } from './support/executor-sink';

describe('grade.check (partial credit with messages)', function () {
  this.timeout(60000);
  let dir: string;
  let client: ExecutorClient;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockbook-grade-'));
    client = new ExecutorClient();
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows each check in the cell, with the check in the display metadata, and returns whether it passed', async () => {
    const sink = new MemorySink();
    const code = "const a = grade.check('adds', 1 + 1 === 2, 2, 'one plus one is two');\nconst b = grade.check('<b>escaped</b>', false, 1, 'expected 3, got 4');\n[a, b]";
    const outcome = await client.execute(code, sink, new AbortController().signal, { allowStdin: false, cwd: dir });
    assert.equal(outcome.status, 'ok', JSON.stringify(outcome));
    const displays = sink.records.filter((r) => r.type === 'display');
    assert.equal(displays.length, 2);
    assert.deepEqual(displays.map((d) => checkOf(d.metadata)), [
      { name: 'adds', passed: true, points: 2, message: 'one plus one is two' },
      { name: '<b>escaped</b>', passed: false, points: 1, message: 'expected 3, got 4' },
    ]);
    assert.equal(annotationKindOf(displays[0].metadata), 'check');
    assert.equal(displays[0].data['text/plain'], '✔ adds (2/2): one plus one is two');
    assert.equal(displays[1].data['text/plain'], '✘ <b>escaped</b> (0/1): expected 3, got 4');
    assert.doesNotMatch(String(displays[1].data['text/html']), /<b>escaped/, 'the HTML is escaped');
    assert.equal(sink.result(), '[ true, false ]');
  });

  it('refuses a check without a name or with negative points, as a TypeError', async () => {
    const outcome = await client.execute("grade.check('x', true, -1)", new MemorySink(), new AbortController().signal, { allowStdin: false, cwd: dir });
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.status === 'error' && outcome.ename, 'TypeError');
  });

  it('is known to completion and help, with its parameters documented', async () => {
    const completion = await client.complete('grade.ch', 8);
    assert.deepEqual(completion.matches, ['check']);
    const info = await client.inspect('grade.check', 11, 0);
    assert.equal(info.found, true);
    const text = String(info.data['text/plain']);
    assert.match(text, /check\(name: string, condition: unknown, points\?: number, message\?: string\): boolean/);
    assert.match(text, /capped by the cell's points/);
  });

  it('reads SOCKBOOK-CHECK lines, and nothing else, from printed text', () => {
    const text = [
      'gcc: warning: something',
      'SOCKBOOK-CHECK PASS 1 builds srv.exe was made',
      '  sockbook-check fail 2.5 echo expected "HELLO", got "hello"\r',
      'SOCKBOOK-CHECK PASS one words',
      'say SOCKBOOK-CHECK PASS 1 not-at-line-start',
      'SOCKBOOK-CHECK PASS 1 bare',
    ].join('\n');
    assert.deepEqual(checksInText(text), [
      { name: 'builds', passed: true, points: 1, message: 'srv.exe was made' },
      { name: 'echo', passed: false, points: 2.5, message: 'expected "HELLO", got "hello"' },
      { name: 'bare', passed: true, points: 1, message: '' },
    ]);
  });
});
