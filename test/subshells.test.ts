import * as assert from 'node:assert/strict';
import { KernelClient } from './support/kernel-client';
import type { Message } from '../kernel/wire/message';
import { useKernel } from './support/kernel-fixture';

/*
 * Kernel subshells (JEP 91) over real ZeroMQ: a blocking C server on the
 * main shell, and on a subshell a client and %ss, at the same time.
 */

/** Listens on 127.0.0.1 (a port the system picks), answers one client's line, then waits for a second connection to end. */
const SERVER_C = String.raw`#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof addr;
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 4) < 0) { perror("server"); return 1; }
    getsockname(listener, (struct sockaddr *)&addr, &len);
    printf("listening on %d\n", ntohs(addr.sin_port));
    fflush(stdout);
    int client = accept(listener, NULL, NULL);
    char line[128] = {0};
    ssize_t n = read(client, line, sizeof line - 1);
    if (n <= 0) { puts("server: the client sent nothing"); return 1; }
    line[strcspn(line, "\n")] = 0;
    printf("server got: %s\n", line);
    fflush(stdout);
    dprintf(client, "pong: %s\n", line);
    int knock = accept(listener, NULL, NULL);
    close(knock);
    close(client);
    puts("server done");
    return 0;
}
`;

const serverCell = ['%%cpp server.c', '%run gcc server.c -o server.exe', '%run ./server.exe', SERVER_C].join('\n');

/** bash's /dev/tcp: connect, send a line, print the answer. */
const clientCell = (port: number) =>
  `!exec 3<>/dev/tcp/127.0.0.1/${port}; echo ping >&3; read -r answer <&3; echo "client got: $answer"`;

const knockCell = (port: number) => `!exec 3<>/dev/tcp/127.0.0.1/${port}`;

const isIdle = (m: Message) => m.header.msg_type === 'status' && m.content.execution_state === 'idle';

describe('kernel subshells (JEP 91) over ZeroMQ', function () {
  this.timeout(120000);
  const kernel = useKernel();

  async function createSubshell(): Promise<string> {
    const reply = await kernel.request('control', 'create_subshell_request', {});
    assert.equal(reply.header.msg_type, 'create_subshell_reply');
    assert.equal(reply.content.status, 'ok');
    assert.equal(typeof reply.content.subshell_id, 'string');
    return String(reply.content.subshell_id);
  }

  const on = (subshellId: string) => ({ subshell_id: subshellId });

  it('says so in kernel_info: supported_features lists kernel subshells, protocol 5.5', async () => {
    const reply = await kernel.request('control', 'kernel_info_request', {});
    assert.deepEqual(reply.content.supported_features, ['kernel subshells', 'debugger']);
    assert.equal(reply.content.protocol_version, '5.5');
  });

  it('creates, lists and deletes subshells on control; an unknown subshell is an error', async () => {
    const first = await createSubshell();
    const second = await createSubshell();
    assert.notEqual(first, second);
    const listed = await kernel.request('control', 'list_subshell_request', {});
    assert.deepEqual([...(listed.content.subshell_id as string[])].sort(), [first, second].sort());

    const deleted = await kernel.request('control', 'delete_subshell_request', { subshell_id: second });
    assert.equal(deleted.content.status, 'ok');
    assert.deepEqual((await kernel.request('control', 'list_subshell_request', {})).content.subshell_id, [first]);
    const again = await kernel.request('control', 'delete_subshell_request', { subshell_id: second });
    assert.equal(again.content.status, 'error');
    assert.equal(again.content.ename, 'SubshellNotFound');

    const { reply } = await kernel.execute('1 + 1', {}, 30000, on(second));
    assert.equal(reply.header.msg_type, 'execute_reply');
    assert.equal(reply.content.status, 'error');
    assert.match(String(reply.content.evalue), new RegExp(`no subshell "${second}"`));
    await kernel.request('control', 'delete_subshell_request', { subshell_id: first });
  });

  it('runs a client and %ss on a subshell while a blocking C server runs on the main shell', async () => {
    const subshell = await createSubshell();
    await kernel.execute('!true'); // the main shell's execution count is now 1
    const server = await kernel.startExecute(serverCell, {}, 90000);
    await kernel.waitFor(() => /listening on \d+/.test(KernelClient.streamText(kernel.outputsOf(server.msgId))), 60000);
    const port = Number(/listening on (\d+)/.exec(KernelClient.streamText(kernel.outputsOf(server.msgId)))![1]);
    const serverEnded = () => kernel.outputsOf(server.msgId).some(isIdle);

    const client = await kernel.execute(clientCell(port), {}, 30000, on(subshell));
    assert.equal(client.reply.content.status, 'ok', JSON.stringify(client.reply.content));
    assert.match(KernelClient.streamText(client.outputs), /client got: pong: ping/);
    // Each subshell counts its own executions.
    assert.equal(client.reply.content.execution_count, 1);
    assert.equal(client.reply.parent_header.subshell_id, subshell);
    assert.deepEqual(
      client.outputs.filter((m) => m.header.msg_type === 'status').map((m) => m.content.execution_state),
      ['busy', 'idle'],
      'the subshell request has its own busy and idle',
    );

    const ss = await kernel.execute('%ss', {}, 30000, on(subshell));
    assert.equal(ss.reply.content.status, 'ok', JSON.stringify(ss.reply.content));
    assert.equal(ss.reply.content.execution_count, 2);
    const shown = ss.outputs.find((m) => m.header.msg_type === 'display_data');
    const table = String((shown?.content.data as Record<string, string> | undefined)?.['text/plain']);
    assert.match(table, new RegExp(`LISTEN\\s+\\d+\\s+\\d+\\s+127\\.0\\.0\\.1:${port}\\s.*server\\.exe`), table);
    assert.ok(!serverEnded(), 'the server cell was still running while the subshell ran the client and %ss');
    assert.match(KernelClient.streamText(kernel.outputsOf(server.msgId)), /server got: ping/);

    await kernel.execute(knockCell(port), {}, 30000, on(subshell));
    const { reply, outputs } = await server.done;
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    assert.equal(reply.content.execution_count, 2);
    assert.match(KernelClient.streamText(outputs), /server got: ping\n[\s\S]*server done/);
    await kernel.request('control', 'delete_subshell_request', { subshell_id: subshell });
  });

  it('shares one TypeScript executor: a TypeScript cell on a subshell waits for the running one and sees its globals', async () => {
    const subshell = await createSubshell();
    const main = await kernel.startExecute('globalThis.order = ["main started"]; await sleep(1500); order.push("main ended");');
    await kernel.waitFor(() => kernel.outputsOf(main.msgId).some((m) => m.header.msg_type === 'execute_input'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sub = await kernel.execute('order.push("subshell ran"); order.join(", ")', {}, 30000, on(subshell));
    assert.equal(sub.reply.content.status, 'ok', JSON.stringify(sub.reply.content));
    const result = sub.outputs.find((m) => m.header.msg_type === 'execute_result');
    assert.equal((result?.content.data as Record<string, string>)['text/plain'], "'main started, main ended, subshell ran'");
    assert.equal((await main.done).reply.content.status, 'ok');
    await kernel.request('control', 'delete_subshell_request', { subshell_id: subshell });
  });

  it('an interrupt stops the running cells of every shell', async () => {
    const subshell = await createSubshell();
    const main = await kernel.startExecute('!sleep 100');
    const sub = await kernel.startExecute('!sleep 100', {}, 30000, on(subshell));
    const started = (msgId: string) => kernel.outputsOf(msgId).some((m) => m.header.msg_type === 'execute_input');
    await kernel.waitFor(() => started(main.msgId) && started(sub.msgId));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const interrupted = Date.now();
    await kernel.request('control', 'interrupt_request', {});
    for (const cell of [main, sub]) {
      const { reply } = await cell.done;
      assert.equal(reply.content.status, 'error');
      assert.equal(reply.content.ename, 'KeyboardInterrupt');
    }
    assert.ok(Date.now() - interrupted < 10000);
    await kernel.request('control', 'delete_subshell_request', { subshell_id: subshell });
  });

  it('asks for input on stdin for a subshell cell while the main shell runs, and routes the answer by subshell_id', async () => {
    const subshell = await createSubshell();
    const main = await kernel.startExecute('!sleep 3');
    const asked: Message[] = [];
    kernel.stdinHandler = (message) => {
      if (message.header.msg_type !== 'input_request') return;
      asked.push(message);
      void kernel.answerInput(message, 'Ada', on(subshell));
    };
    try {
      const { reply, outputs } = await kernel.execute('const who = await input("name? "); who.toUpperCase()', { allow_stdin: true }, 30000, on(subshell));
      assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
      assert.equal(asked.length, 1);
      assert.equal(asked[0].parent_header.subshell_id, subshell);
      assert.equal(asked[0].content.prompt, 'name? ');
      const result = outputs.find((m) => m.header.msg_type === 'execute_result');
      assert.equal((result?.content.data as Record<string, string>)['text/plain'], "'ADA'");
      assert.ok(!kernel.outputsOf(main.msgId).some(isIdle), 'the main shell was still running');
    } finally {
      kernel.stdinHandler = null;
    }
    assert.equal((await main.done).reply.content.status, 'ok');
    await kernel.request('control', 'delete_subshell_request', { subshell_id: subshell });
  });
});
