import * as assert from 'node:assert/strict';
import type { Message } from '../kernel/wire/message';
import { annotationKindOf } from '../kernel/display/annotation';
import { KernelClient } from './support/kernel-client';
import { useKernel } from './support/kernel-fixture';

/*
 * Long input typed into a program's terminal, through the real kernel: it
 * reaches the program as a terminal would deliver it, is asked for once,
 * and no byte of it is ever read as a control message of the helper.
 */

/** 70,000 characters; what lies past 64 KiB looks like the helper's control bytes (kill, interrupt, type). */
function longLine(): string {
  const head = 'a'.repeat(65536);
  const forged = 'kkkk' + 'i' + 'w\u00ff\u00ff\u00ff\u007f' + 's\u0009' + 'k';
  return (head + forged).padEnd(70000, 'k');
}

const LINE_READER = [
  '#define _GNU_SOURCE',
  '#include <stdio.h>',
  '#include <stdlib.h>',
  '#include <string.h>',
  'int main(void) {',
  '  char *line = NULL; size_t cap = 0;',
  '  printf("line? "); fflush(stdout);',
  '  ssize_t n = getline(&line, &cap, stdin);',
  '  size_t as = 0; for (ssize_t i = 0; i < n; i++) as += line[i] == \'a\';',
  '  printf("read %zd bytes, %zu of them a, ends in newline: %s\\n", n, as, n > 0 && line[n - 1] == \'\\n\' ? "yes" : "no");',
  '  free(line);',
  '  return 0;',
  '}',
];

/** Takes the terminal out of canonical mode (as an editor or a game does) and reads until a newline. */
const RAW_READER = [
  '#include <stdio.h>',
  '#include <termios.h>',
  '#include <unistd.h>',
  'int main(void) {',
  '  struct termios t; tcgetattr(0, &t); t.c_lflag &= ~(ICANON | ISIG | IEXTEN); t.c_iflag &= ~(IXON | ICRNL);',
  '  t.c_cc[VMIN] = 1; t.c_cc[VTIME] = 0; tcsetattr(0, TCSANOW, &t);',
  '  printf("raw? "); fflush(stdout);',
  '  long n = 0, k = 0; char c;',
  '  while (read(0, &c, 1) == 1) { n++; if (c == \'k\') k++; if (c == \'\\n\') break; }',
  '  printf("read %ld bytes, %ld of them k\\n", n, k);',
  '  return 0;',
  '}',
];

describe('long input typed into a program', function () {
  this.timeout(120000);
  const kernel = useKernel();

  before(async () => {
    for (const [file, lines] of [['line.c', LINE_READER], ['raw.c', RAW_READER]] as const) {
      const built = await kernel.execute([`%%cpp ${file}`, `%run gcc ${file} -o ${file.replace('.c', '.exe')}`, ...lines].join('\n'));
      assert.equal(built.reply.content.status, 'ok', JSON.stringify(built.outputs.map((m) => m.content)));
    }
  });

  /** Runs a command that reads its terminal, answering every input_request with `answer`. */
  async function runAnswering(command: string, answer: string): Promise<{ questions: Message[]; outputs: Message[]; reply: Message }> {
    const questions: Message[] = [];
    kernel.stdinHandler = (m) => {
      if (m.header.msg_type !== 'input_request') return;
      questions.push(m);
      void kernel.answerInput(m, answer);
    };
    try {
      const { reply, outputs } = await kernel.execute(command, { allow_stdin: true }, 60000);
      return { questions, outputs, reply };
    } finally {
      kernel.stdinHandler = null;
    }
  }

  const annotations = (outputs: Message[]) =>
    outputs.filter((m) => m.header.msg_type === 'display_data' && annotationKindOf(m.content.metadata as Record<string, unknown>) !== undefined);

  it('cuts a 70,000-character line at the canonical limit (4095 bytes and the newline), says so, asks once', async () => {
    const line = longLine();
    const { questions, outputs, reply } = await runAnswering('!./line.exe', line);
    assert.equal(reply.content.status, 'ok');
    assert.equal(questions.length, 1, 'the answer is asked for once');
    assert.equal(KernelClient.streamText(outputs), 'line? read 4096 bytes, 4095 of them a, ends in newline: yes\n');
    const notices = annotations(outputs);
    assert.equal(notices.length, 1, JSON.stringify(notices.map((m) => m.content.data)));
    const text = String((notices[0].content.data as Record<string, unknown>)['text/plain']);
    assert.match(text, new RegExp(`had ${Buffer.byteLength(line)} bytes`));
    assert.match(text, /at most 4095 bytes/);
  });

  it('passes a short line whole, with no notice', async () => {
    const { questions, outputs } = await runAnswering('!./line.exe', 'a'.repeat(4095));
    assert.equal(questions.length, 1);
    assert.equal(KernelClient.streamText(outputs), 'line? read 4096 bytes, 4095 of them a, ends in newline: yes\n');
    assert.deepEqual(annotations(outputs), []);
  });

  it('delivers the whole line to a program that reads its terminal in raw mode; control-like bytes stay text', async () => {
    const line = longLine();
    const ks = [...line].filter((c) => c === 'k').length;
    const { questions, outputs, reply } = await runAnswering('!./raw.exe', line);
    assert.equal(reply.content.status, 'ok');
    assert.equal(questions.length, 1);
    assert.equal(KernelClient.streamText(outputs), `raw? read ${Buffer.byteLength(line) + 1} bytes, ${ks} of them k\n`);
    assert.deepEqual(annotations(outputs), []);
  });

  it('the kernel goes on after them', async () => {
    const { reply, outputs } = await kernel.execute('!echo still here');
    assert.equal(reply.content.status, 'ok');
    assert.equal(KernelClient.streamText(outputs), 'still here\n');
  });
});
