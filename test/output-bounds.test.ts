import * as assert from 'node:assert/strict';
import { annotationKindOf } from '../kernel/display/annotation';
import { LaunchLog } from '../kernel/executor/child/launch-log';
import { DisplayCap } from '../kernel/executor/host/output-cap';
import type { Message } from '../kernel/wire/message';
import { useKernel } from './support/kernel-fixture';

/* Every output path holds bounded memory, and a flood still ends with `status: idle`. */

describe('output bounds', function () {
  this.timeout(180000);

  it('cuts a launch() line that never ends, and a long finished one, keeping a note of the rest', () => {
    const log = new LaunchLog(1000, 100);
    for (let i = 0; i < 10000; i++) log.output('O', 'x'.repeat(1000));
    const [unfinished] = log.shownLines();
    assert.equal(unfinished, `O: ${'x'.repeat(100)} … (${10000 * 1000 - 100} more characters of this line not shown)`);
    log.output('O', '\nshort\n');
    log.note('I', 'y'.repeat(150));
    assert.deepEqual(log.shownLines().slice(1), ['O: short', `I: ${'y'.repeat(100)} … (50 more characters of this line not shown)`]);
  });

  it('passes displays up to the limit, then keeps only the latest update of each display', () => {
    const cap = new DisplayCap(1000, 10);
    const bundle = (n: number) => ({ 'text/plain': 'x'.repeat(n) });
    assert.equal(cap.pass(bundle(900)), true);
    assert.equal(cap.pass(bundle(900)), true, 'the one that crosses the limit still goes');
    assert.equal(cap.pass(bundle(1)), false);
    cap.drop();
    for (let i = 0; i < 5; i++) cap.hold({ displayId: 'a', data: { 'text/plain': `a${i}` }, metadata: {} });
    cap.hold({ displayId: 'b', data: { 'text/plain': 'b0' }, metadata: {} });
    assert.deepEqual(cap.takeHeld().map((h) => h.data['text/plain']), ['a4', 'b0']);
    assert.deepEqual(cap.takeHeld(), []);
    assert.match(String(cap.note()), /1 displays were not shown; 4 display updates were skipped/);
  });

  describe('through the kernel', () => {
    const kernel = useKernel();

    it('a cell that loops on update() with 1 MB payloads ends idle, showing the last value', async () => {
      const code = [
        'const h = display.text("start");',
        'const big = "x".repeat(1 << 20);',
        'for (let i = 0; i < 60; i++) h.update(big + " " + i);',
        'h.update("final");',
      ].join('\n');
      const { reply, outputs } = await kernel.execute(code, {}, 150000);
      assert.equal(reply.content.status, 'ok');
      assert.equal(outputs[outputs.length - 1].content.execution_state, 'idle');
      const updates = outputs.filter((m: Message) => m.header.msg_type === 'update_display_data');
      assert.ok(updates.length < 30, `${updates.length} updates were sent`);
      assert.deepEqual(updates[updates.length - 1].content.data, { 'text/plain': 'final' });
      const notes = outputs.filter((m) => m.header.msg_type === 'display_data' && annotationKindOf(m.content.metadata as Record<string, unknown>) === 'output-cut');
      assert.equal(notes.length, 1);
      assert.match(String((notes[0].content.data as Record<string, unknown>)['text/plain']), /display updates were skipped/);
      const check = await kernel.execute('1 + 1');
      assert.equal(check.reply.content.status, 'ok');
    });
  });
});
