import * as assert from 'node:assert/strict';
import { useKernel } from './support/kernel-fixture';

describe('is_complete over real ZeroMQ sockets', function () {
  this.timeout(60000);
  const kernel = useKernel();

  const isComplete = async (code: string) => (await kernel.request('shell', 'is_complete_request', { code })).content;

  it('keeps a cell magic open until a blank line ends it, as IPython does', async () => {
    const typed = ['%%cpp a.c', '%run gcc a.c -o a.exe', '%run ./a.exe', '#include <stdio.h>', 'int main() {', '    printf("%d\\n", 42);', '}'];
    for (let n = 1; n <= typed.length; n++) {
      assert.deepEqual(await isComplete(typed.slice(0, n).join('\n')), { status: 'incomplete', indent: '' }, `after ${n} lines`);
    }
    assert.deepEqual(await isComplete(`${typed.join('\n')}\n`), { status: 'complete' });
    assert.deepEqual(await isComplete(`${typed.join('\n')}\n  \n`), { status: 'complete' });
  });

  it('never calls a C cell invalid, whatever its braces', async () => {
    for (const code of ['%%cpp a.c\nint main() {', '%%c\n}}} (', '%%bash\nif true; then', '%%writefile x.txt\n`unclosed', '%%nosuchmagic\nx']) {
      assert.deepEqual(await isComplete(code), { status: 'incomplete', indent: '' }, code);
      assert.deepEqual(await isComplete(`${code}\n`), { status: 'complete' }, `${code} + blank line`);
    }
    assert.deepEqual(await isComplete('\n\n%%cpp a.c\nint main() {'), { status: 'incomplete', indent: '' }, 'after leading blank lines');
  });

  it('calls ! lines and line magics complete', async () => {
    for (const code of ['!ls', '!echo {', '!ls\n!echo (', '%ps', '%ss', '%cd /tmp', '%run ./a.out', '%nosuch {']) {
      assert.deepEqual(await isComplete(code), { status: 'complete' }, code);
    }
  });

  it('still asks the TypeScript parser for TypeScript', async () => {
    assert.deepEqual(await isComplete('1 + 41'), { status: 'complete' });
    assert.deepEqual(await isComplete('function f() {'), { status: 'incomplete', indent: '  ' });
    assert.deepEqual(await isComplete('}}}'), { status: 'invalid' });
    assert.deepEqual(await isComplete('const x = 1;\n!echo {'), { status: 'complete' }, 'TypeScript with a ! line');
  });
});
