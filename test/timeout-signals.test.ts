// A course idiom: `timeout -s SIGINT 1 timeout -s SIGTERM 2 ./prog`, the outer
// timeout sending SIGINT to the inner one. What the program sees must be what
// it sees at a terminal (script(1) gives it one): see docs/signals.md.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { annotationsOf } from './support/annotations';
import { KernelClient } from './support/kernel-client';
import { useKernel } from './support/kernel-fixture';

const SOURCE = `#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_signal(int signo) {
    char line[32];
    int n = snprintf(line, sizeof line, "Got signal %d\\n", signo);
    write(1, line, n);
}

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    for (int i = 0; i < 40; i++) usleep(100000);
    printf("done\\n");
    return 0;
}
`;

const COMMAND = 'timeout -s SIGINT 1 timeout -s SIGTERM 2 ./relay.exe';

/**
 * The lines in order, a line repeated at once kept once: the inner timeout
 * sends the signal it got to the program and then to the program's process
 * group, and the handler may run between the two, at a terminal as here.
 */
const distinctLines = (text: string): string[] => text.split(/\r?\n/).filter((line, i, all) => line !== '' && line !== all[i - 1]);

describe('timeout sending SIGINT to another timeout: the program sees what it sees at a terminal', function () {
  this.timeout(60000);

  before(async function () {
    try {
      execFileSync('script', ['-qec', 'true', '/dev/null']);
    } catch (error) {
      throw new Error(`this test compares with a real terminal through script(1) from util-linux: ${(error as Error).message}`);
    }
  });
  const kernel = useKernel();

  it(`${COMMAND}: SIGINT, then SIGTERM, then the program ends; exit code 124`, async () => {
    const { reply, outputs } = await kernel.execute(`%%cpp relay.c\n%run gcc -Wall relay.c -o relay.exe\n%run ${COMMAND}\n${SOURCE}`, {}, 30000);
    assert.equal(reply.content.status, 'ok');
    const inKernel = distinctLines(KernelClient.streamText(outputs));
    assert.ok(annotationsOf(outputs, 'exit').some((note) => /exit code 124/.test(note)), JSON.stringify(annotationsOf(outputs, 'exit')));

    const terminal = spawnSync('script', ['-qec', COMMAND, '/dev/null'], { cwd: kernel.dir, encoding: 'utf8', timeout: 20000 });
    assert.equal(terminal.status, 124, 'script -e passes on the exit code of timeout');
    assert.deepEqual(inKernel, distinctLines(terminal.stdout));
    assert.deepEqual(inKernel, ['Got signal 2', 'Got signal 15', 'done']);
  });
});
