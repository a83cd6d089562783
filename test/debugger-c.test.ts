import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Message } from '../kernel/wire/message';
import { KernelClient } from './support/kernel-client';
import { useKernel, useKernelPerTest } from './support/kernel-fixture';

/*
 * The Jupyter debug protocol for C cells, over real ZeroMQ: a breakpoint
 * clicked in a `%%cpp` cell stops the program its `%run ./prog` starts,
 * under Debian's lldb-dap-19; the stack, variables (a struct, an array, a
 * struct sockaddr_in), evaluate, stepping and continue work on the cell's
 * lines; output still streams, stdin still works, a forked child runs on,
 * and an interrupt still ends the program.
 */

const LLDB_DAP = '/usr/bin/lldb-dap-19';

type Dap = { success: boolean; message?: string; body?: Record<string, unknown>; command: string; request_seq: number };
type Frame = { id: number; name: string; line: number; source?: { path?: string } };
type Variable = { name: string; value: string; type?: string; variablesReference: number };

class DebugClient {
  private seq = 0;
  constructor(readonly kernel: KernelClient) {}

  async request(command: string, args: Record<string, unknown> = {}): Promise<Dap> {
    const seq = ++this.seq;
    const reply = await this.kernel.request('control', 'debug_request', { type: 'request', seq, command, arguments: args } as never, 20000);
    return reply.content as unknown as Dap;
  }

  async ok(command: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const reply = await this.request(command, args);
    assert.ok(reply.success, `${command} failed: ${reply.message}`);
    return reply.body ?? {};
  }

  events(name: string): Record<string, unknown>[] {
    return this.kernel.iopubMessages
      .filter((m: Message) => m.header.msg_type === 'debug_event' && m.content.event === name)
      .map((m) => (m.content.body ?? {}) as Record<string, unknown>);
  }

  async event(name: string, n: number, timeoutMs = 30000): Promise<Record<string, unknown>> {
    await this.kernel.waitFor(() => this.events(name).length >= n, timeoutMs);
    return this.events(name)[n - 1] as Record<string, unknown>;
  }

  /** What JupyterLab sends when the bug icon is switched on. */
  async start(): Promise<void> {
    await this.ok('debugInfo');
    await this.ok('initialize', { clientID: 'jupyterlab', clientName: 'JupyterLab', adapterID: 'sockbook', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsVariableType: true, supportsVariablePaging: true, supportsRunInTerminalRequest: true, locale: 'en' });
    await this.ok('attach', {});
    await this.ok('debugInfo');
  }

  /** What JupyterLab sends when a breakpoint is clicked in a cell: its file's path. */
  async breakAt(code: string, lines: number[]): Promise<string> {
    const { sourcePath } = await this.ok('dumpCell', { code });
    await this.ok('debugInfo');
    const set = await this.ok('setBreakpoints', { breakpoints: lines.map((line) => ({ line })), source: { path: sourcePath }, sourceModified: false });
    assert.deepEqual((set.breakpoints as { line: number }[]).map((b) => b.line), lines);
    await this.ok('configurationDone');
    return String(sourcePath);
  }
}

const PROGRAM = [
  '%%cpp dbg.c', // 1
  '%run gcc -g -O0 dbg.c -o dbg.exe', // 2
  '%run ./dbg.exe', // 3
  '#include <arpa/inet.h>', // 4
  '#include <stdio.h>', // 5
  '#include <string.h>', // 6
  '#include <unistd.h>', // 7
  '#include <sys/wait.h>', // 8
  'struct point { int x, y; };', // 9
  'int main(void) {', // 10
  '    struct point p = { 3, 4 };', // 11
  '    int numbers[3] = { 10, 20, 30 };', // 12
  '    struct sockaddr_in addr;', // 13
  '    memset(&addr, 0, sizeof addr);', // 14
  '    addr.sin_family = AF_INET;', // 15
  '    addr.sin_port = htons(8080);', // 16
  '    int total = p.x + p.y + numbers[2];', // 17
  '    printf("total %d\\n", total);', // 18
  '    fflush(stdout);', // 19
  '    if (fork() == 0) { printf("child runs on\\n"); return 0; }', // 20
  '    wait(NULL);', // 21
  '    char line[64] = "";', // 22
  '    if (fgets(line, sizeof line, stdin)) printf("got %s", line);', // 23
  '    return 0;', // 24
  '}', // 25
].join('\n');

const SLEEPER = [
  '%%cpp sleeper.c',
  '%run gcc -g sleeper.c -o sleeper.exe',
  '%run ./sleeper.exe',
  '#include <stdio.h>',
  '#include <unistd.h>',
  'int main(void) {',
  '    for (int i = 0; ; i++) {',
  '        usleep(1000);', // 8
  '    }',
  '}',
].join('\n');

/** Written and built before the debugger starts; run by a later cell. */
const EARLY = [
  '',
  '%%cpp early.c',
  '%run gcc -g early.c -o early.exe',
  '#include <stdio.h>',
  'int main(int argc, char **argv) {',
  '    int count = argc;', // 6
  '    printf("early %d %s\\n", count, argv[1]);', // 7
  '    return 0;',
  '}',
].join('\n');

/** A %%c cell: its file is the cell without the magic line. */
const COMPILE_RUN = ['%%c answer.c', '#include <stdio.h>', 'int main(void) {', '    int answer = 42;', '    printf("answer %d\\n", answer);', '    return 0;', '}'].join('\n');

const NO_G = ['%%cpp nog.c', '%run gcc nog.c -o nog.exe', '%run ./nog.exe', '#include <stdio.h>', 'int main(void) {', '    puts("no debug info here");', '    return 0;', '}'].join('\n');

describe('debugger: C cells under lldb-dap', function () {
  this.timeout(180000);
  let dbg: DebugClient;

  before(function () {
    if (!existsSync(LLDB_DAP)) throw new Error(`${LLDB_DAP} is missing: the test set-up installs Debian's lldb-19 (test/setup/ensure-system-packages.js)`);
  });
  const kernel = useKernel();
  before(async () => {
    const early = await kernel.execute(EARLY, {}, 60000);
    assert.equal(early.reply.content.status, 'ok');
    dbg = new DebugClient(kernel);
    await dbg.start();
  });

  it('stops the program at a breakpoint in its %%cpp cell; stack, variables, evaluate, step, continue; output, stdin and a forked child work', async () => {
    const cellPath = await dbg.breakAt(PROGRAM, [17]);
    kernel.stdinHandler = (question) => void kernel.answerInput(question, 'hello\n');
    const run = await kernel.startExecute(PROGRAM, { allow_stdin: true }, 90000);
    const stopped = await dbg.event('stopped', 1, 60000);
    assert.equal(stopped.reason, 'breakpoint');
    const threadId = Number(stopped.threadId);
    assert.notEqual(threadId, 1);
    assert.ok(((await dbg.ok('debugInfo')).stoppedThreads as number[]).includes(threadId));
    await kernel.heartbeat(3000);

    const threads = (await dbg.ok('threads')).threads as { id: number }[];
    assert.ok(threads.some((t) => t.id === threadId));
    const frames = (await dbg.ok('stackTrace', { threadId })).stackFrames as Frame[];
    assert.equal(frames[0]?.name, 'main');
    assert.equal(frames[0]?.line, 17, 'the cell’s line, not the file’s');
    assert.equal(frames[0]?.source?.path, cellPath);

    const scopes = (await dbg.ok('scopes', { frameId: frames[0]?.id })).scopes as { name: string; variablesReference: number }[];
    const locals = scopes.find((s) => s.name === 'Locals');
    assert.ok(locals, JSON.stringify(scopes));
    const variables = (await dbg.ok('variables', { variablesReference: locals.variablesReference })).variables as Variable[];
    const p = variables.find((v) => v.name === 'p');
    assert.equal(p?.type, 'point');
    assert.ok(p && p.variablesReference > 0);
    const fields = (await dbg.ok('variables', { variablesReference: p.variablesReference })).variables as Variable[];
    assert.deepEqual(fields.map((f) => [f.name, f.value]), [['x', '3'], ['y', '4']]);
    const numbers = variables.find((v) => v.name === 'numbers');
    assert.ok(numbers && numbers.variablesReference > 0);
    const items = (await dbg.ok('variables', { variablesReference: numbers.variablesReference })).variables as Variable[];
    assert.deepEqual(items.map((i) => i.value), ['10', '20', '30']);
    const addr = variables.find((v) => v.name === 'addr');
    assert.ok(addr && addr.variablesReference > 0);
    const addrFields = (await dbg.ok('variables', { variablesReference: addr.variablesReference })).variables as Variable[];
    assert.equal(addrFields.find((f) => f.name === 'sin_family')?.value, '2');
    assert.ok(addrFields.some((f) => f.name === 'sin_port'));

    const evaluated = await dbg.ok('evaluate', { expression: 'p.x * 10 + numbers[1]', frameId: frames[0]?.id, context: 'repl' });
    assert.equal(evaluated.result, '50');
    const port = await dbg.ok('evaluate', { expression: '(int)ntohs(addr.sin_port)', frameId: frames[0]?.id, context: 'repl' });
    assert.equal(port.result, '8080');

    await dbg.ok('next', { threadId });
    await dbg.event('stopped', 2, 30000);
    const stepped = (await dbg.ok('stackTrace', { threadId })).stackFrames as Frame[];
    assert.equal(stepped[0]?.line, 18);
    const total = await dbg.ok('evaluate', { expression: 'total', frameId: stepped[0]?.id, context: 'repl' });
    assert.equal(total.result, '37');

    await dbg.ok('continue', { threadId });
    const { reply, outputs } = await run.done;
    assert.equal(reply.content.status, 'ok');
    const text = KernelClient.streamText(outputs);
    assert.match(text, /total 37\n/);
    assert.match(text, /child runs on\n/);
    assert.match(text, /got hello/);
    assert.ok(dbg.events('continued').length >= 1);
    assert.deepEqual((await dbg.ok('debugInfo')).stoppedThreads, []);
  });

  it('stops a program a later !cell runs, from a %%cpp cell written before the debugger started (its blank first line counted)', async () => {
    const cellPath = await dbg.breakAt(EARLY, [7]);
    const before = dbg.events('stopped').length;
    const run = await kernel.startExecute('!./early.exe seven', {}, 90000);
    const stopped = await dbg.event('stopped', before + 1, 60000);
    const threadId = Number(stopped.threadId);
    const frames = (await dbg.ok('stackTrace', { threadId })).stackFrames as Frame[];
    assert.equal(frames[0]?.line, 7);
    assert.equal(frames[0]?.source?.path, cellPath);
    const count = await dbg.ok('evaluate', { expression: 'count', frameId: frames[0]?.id, context: 'repl' });
    assert.equal(count.result, '2');
    await dbg.ok('continue', { threadId });
    const { reply, outputs } = await run.done;
    assert.equal(reply.content.status, 'ok');
    assert.match(KernelClient.streamText(outputs), /early 2 seven/);
    await dbg.ok('setBreakpoints', { breakpoints: [], source: { path: cellPath }, sourceModified: false });
  });

  it('stops a %%c cell’s program on the cell’s line (its file has no magic line)', async () => {
    const cellPath = await dbg.breakAt(COMPILE_RUN, [5]);
    const before = dbg.events('stopped').length;
    const run = await kernel.startExecute(COMPILE_RUN, {}, 90000);
    const stopped = await dbg.event('stopped', before + 1, 60000);
    const threadId = Number(stopped.threadId);
    const frames = (await dbg.ok('stackTrace', { threadId })).stackFrames as Frame[];
    assert.equal(frames[0]?.line, 5);
    assert.equal(frames[0]?.source?.path, cellPath);
    const answer = await dbg.ok('evaluate', { expression: 'answer', frameId: frames[0]?.id, context: 'repl' });
    assert.equal(answer.result, '42');
    await dbg.ok('continue', { threadId });
    const { reply, outputs } = await run.done;
    assert.equal(reply.content.status, 'ok');
    assert.match(KernelClient.streamText(outputs), /answer 42/);
    await dbg.ok('setBreakpoints', { breakpoints: [], source: { path: cellPath }, sourceModified: false });
  });

  it('stops at the breakpoint when the frontend sends the cell’s breakpoints again while lldb-dap starts (as JupyterLab does)', async () => {
    const cellPath = await dbg.breakAt(COMPILE_RUN, [5]);
    const before = dbg.events('stopped').length;
    const run = await kernel.startExecute(COMPILE_RUN, {}, 90000);
    // JupyterLab re-sends dumpCell and setBreakpoints for the running cell; keep re-sending through the launch.
    let resends = 0;
    while (dbg.events('stopped').length === before && resends < 400) {
      await dbg.ok('dumpCell', { code: COMPILE_RUN });
      const again = await dbg.ok('setBreakpoints', { breakpoints: [{ line: 5 }], source: { path: cellPath }, sourceModified: false });
      assert.deepEqual((again.breakpoints as { line: number }[]).map((b) => b.line), [5]);
      resends += 1;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const stopped = await dbg.event('stopped', before + 1, 60000);
    const threadId = Number(stopped.threadId);
    const frames = (await dbg.ok('stackTrace', { threadId })).stackFrames as Frame[];
    assert.equal(frames[0]?.line, 5);
    assert.equal(frames[0]?.source?.path, cellPath);
    await dbg.ok('continue', { threadId });
    const { reply, outputs } = await run.done;
    assert.equal(reply.content.status, 'ok');
    assert.match(KernelClient.streamText(outputs), /answer 42/);
    await dbg.ok('setBreakpoints', { breakpoints: [], source: { path: cellPath }, sourceModified: false });
  });

  it('an interrupt ends a program stopped at a breakpoint', async () => {
    await dbg.breakAt(SLEEPER, [8]);
    const before = dbg.events('stopped').length;
    const run = await kernel.startExecute(SLEEPER, {}, 90000);
    const stopped = await dbg.event('stopped', before + 1, 60000);
    const pid = Number(stopped.threadId);
    await kernel.request('control', 'interrupt_request', {});
    const { reply } = await run.done;
    assert.equal(reply.content.status, 'error');
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    assert.equal(existsSync(`/proc/${pid}`), false, 'the program is gone');
    await dbg.ok('setBreakpoints', { breakpoints: [], source: { path: String((await dbg.ok('dumpCell', { code: SLEEPER })).sourcePath) }, sourceModified: false });
  });

  it('says once that a program built without -g cannot stop, and runs it', async () => {
    await dbg.breakAt(NO_G, [6]);
    const first = await kernel.execute(NO_G, {}, 60000);
    assert.equal(first.reply.content.status, 'ok');
    assert.match(KernelClient.streamText(first.outputs), /no debug info here/);
    assert.match(KernelClient.streamText(first.outputs, 'stderr'), /compiled without -g/);
    const second = await kernel.execute(NO_G, {}, 60000);
    assert.doesNotMatch(KernelClient.streamText(second.outputs, 'stderr'), /compiled without -g/);
  });
});

describe('debugger: C cells without lldb-dap', function () {
  this.timeout(120000);
  const startKernel = useKernelPerTest();

  it('says clearly that lldb-dap-19 is missing, and runs the program', async () => {
    const kernel = await startKernel({ env: { SOCKBOOK_LLDB_DAP: '/nonexistent/lldb-dap-19' } });
    const dbg = new DebugClient(kernel);
    await dbg.start();
    await dbg.breakAt(PROGRAM, [17]);
    const { reply, outputs } = await kernel.execute(PROGRAM, { allow_stdin: false }, 60000);
    assert.equal(reply.content.status, 'ok');
    assert.match(KernelClient.streamText(outputs, 'stderr'), /lldb-dap-19 is not installed \(Debian: apt-get install lldb-19\)/);
    assert.match(KernelClient.streamText(outputs), /total 37/);
  });
});
