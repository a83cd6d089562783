import * as assert from 'node:assert/strict';
import { annotation, showAnnotation } from '../kernel/display/annotation';
import { FirstCellNotice } from '../kernel/cli/first-cell-notice';
import type { CodeCell } from '../kernel/notebook/nbformat';
import { NotebookSink } from '../kernel/notebook/notebook-sink';
import type { Interpreter } from '../kernel/interpreter/interpreter';
import { MemorySink } from './support/executor-sink';
import { annotationsIn } from './support/annotations';

const emptyCell = (): CodeCell => ({ cell_type: 'code', id: 'c', metadata: {}, source: '', outputs: [], execution_count: 1 });

describe('annotations: the kernel\'s lines beside a program\'s output', () => {
  it('are one grey HTML line, HTML-escaped, with the text as fallback and a metadata mark', () => {
    assert.deepEqual(annotation('exit', 'killed by signal 11 (SIGSEGV)\n'), {
      data: {
        'text/html': '<div class="sockbook-annotation" style="color: #888; font-size: 0.85em; white-space: pre-wrap;">killed by signal 11 (SIGSEGV)</div>',
        'text/plain': 'killed by signal 11 (SIGSEGV)',
      },
      metadata: { sockbook: { annotation: 'exit' } },
    });
    assert.match(String(annotation('notice', 'a <b> & "c"').data['text/html']), />a &lt;b&gt; &amp; &quot;c&quot;</);
  });

  it('sockbook run keeps them as outputs of their own and prints them apart from the stream', () => {
    for (const styled of [false, true]) {
      const cell = emptyCell();
      const printed: string[] = [];
      const sink = new NotebookSink(cell, new Map(), (text) => printed.push(text), styled);
      sink.stream('stdout', 'out\n');
      showAnnotation(sink, 'exit', 'exit code 124');
      sink.stream('stdout', 'more\n');
      assert.deepEqual(cell.outputs.map((o) => o.output_type), ['stream', 'display_data', 'stream']);
      assert.deepEqual(printed, ['out\n', styled ? '\x1b[2m[exit code 124]\x1b[0m\n' : '[sockbook] exit code 124\n', 'more\n']);
    }
  });

  it('a first-cell notice is an annotation of the first visible cell only', async () => {
    const inner = { execute: async () => ({ status: 'ok' }) } as unknown as Interpreter;
    const wrapped = new FirstCellNotice(inner, 'isolation is not available here');
    const request = { code: '1', executionCount: 1, storeHistory: true, allowStdin: false };
    const silent = new MemorySink();
    await wrapped.execute({ ...request, silent: true }, silent, new AbortController().signal);
    const first = new MemorySink();
    await wrapped.execute({ ...request, silent: false }, first, new AbortController().signal);
    const second = new MemorySink();
    await wrapped.execute({ ...request, silent: false }, second, new AbortController().signal);
    assert.deepEqual(annotationsIn(silent.records), []);
    assert.deepEqual(annotationsIn(first.records, 'notice'), ['isolation is not available here']);
    assert.equal(first.text('stderr'), '');
    assert.deepEqual(second.records, []);
  });
});
