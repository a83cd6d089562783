import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { murmur2 } from '../kernel/debugger/murmur2';
import type { Message } from '../kernel/wire/message';
import { KernelClient } from './support/kernel-client';
import { useKernel } from './support/kernel-fixture';

/*
 * The Jupyter debug protocol (JEP 47) over real ZeroMQ, for TypeScript
 * cells: the requests in the order JupyterLab 4 sends them (debugInfo when
 * the kernel is chosen; initialize, attach and debugInfo when the bug icon
 * is switched on; dumpCell, debugInfo and setBreakpoints when a breakpoint
 * is clicked; configurationDone), then a cell that stops at the breakpoint
 * and is inspected, stepped and continued as the panels do.
 */

type Dap = { success: boolean; message?: string; body?: Record<string, unknown>; command: string; request_seq: number };

class DebugClient {
  private seq = 0;
  constructor(readonly kernel: KernelClient) {}

  async request(command: string, args: Record<string, unknown> = {}, timeoutMs = 20000): Promise<Dap> {
    const seq = ++this.seq;
    const reply = await this.kernel.request('control', 'debug_request', { type: 'request', seq, command, arguments: args } as never, timeoutMs);
    assert.equal(reply.header.msg_type, 'debug_reply');
    const content = reply.content as unknown as Dap;
    assert.equal(content.request_seq, seq);
    assert.equal(content.command, command);
    return content;
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

  /** Waits for the n-th event of that name (counting from 1) and returns its body. */
  async event(name: string, n: number, timeoutMs = 20000): Promise<Record<string, unknown>> {
    await this.kernel.waitFor(() => this.events(name).length >= n, timeoutMs);
    return this.events(name)[n - 1] as Record<string, unknown>;
  }
}

type Frame = { id: number; name: string; line: number; source?: { path?: string } };
type Variable = { name: string; value: string; type?: string; variablesReference: number };

const CELL = [
  'function add(a: number, b: number): number {', // 1
  '  const sum = a + b;', // 2
  '  return sum;', // 3
  '}', // 4
  "const buf = Buffer.from('hello');", // 5
  'const total: number = add(2, 3);', // 6
  "console.log('total', total);", // 7
].join('\n');

const SPIN = ['let spins = 0;', 'while (true) {', '  spins++;', '}'].join('\n');

describe('debugger: TypeScript cells over the debug protocol', function () {
  this.timeout(120000);
  const kernel = useKernel();
  let dbg: DebugClient;
  let info: Record<string, unknown>;
  let cellPath: string;

  before(async () => {
    dbg = new DebugClient(kernel);
  });

  it('announces the debugger in kernel_info and answers debugInfo before it is started', async () => {
    const reply = await kernel.request('shell', 'kernel_info_request', {});
    assert.ok((reply.content.supported_features as string[]).includes('debugger'));
    assert.equal(reply.content.debugger, true);
    info = await dbg.ok('debugInfo');
    assert.equal(info.isStarted, false);
    assert.equal(info.hashMethod, 'Murmur2');
    assert.equal(typeof info.hashSeed, 'number');
    assert.match(String(info.tmpFilePrefix), /\/$/);
    assert.equal(typeof info.tmpFileSuffix, 'string');
    assert.deepEqual(info.breakpoints, []);
    assert.deepEqual(info.stoppedThreads, []);
    assert.equal(info.richRendering, true);
    assert.ok(Array.isArray(info.exceptionPaths));
  });

  it('starts as JupyterLab starts it: initialize, attach, debugInfo', async () => {
    const capabilities = await dbg.ok('initialize', {
      clientID: 'jupyterlab',
      clientName: 'JupyterLab',
      adapterID: 'sockbook',
      pathFormat: 'path',
      linesStartAt1: true,
      columnsStartAt1: true,
      supportsVariableType: true,
      supportsVariablePaging: true,
      supportsRunInTerminalRequest: true,
      locale: 'en',
    });
    assert.ok(Array.isArray(capabilities.exceptionBreakpointFilters));
    await dbg.ok('attach', {});
    assert.equal((await dbg.ok('debugInfo')).isStarted, true);
  });

  it('dumps a cell where JupyterLab computes it and keeps its breakpoints', async () => {
    const dumped = await dbg.ok('dumpCell', { code: CELL });
    cellPath = `${String(info.tmpFilePrefix)}${murmur2(CELL, Number(info.hashSeed))}${String(info.tmpFileSuffix)}`;
    assert.equal(dumped.sourcePath, cellPath);
    assert.equal(readFileSync(cellPath, 'utf8'), CELL);
    await dbg.ok('debugInfo');
    const set = await dbg.ok('setBreakpoints', { breakpoints: [{ line: 2 }], source: { path: cellPath }, sourceModified: false });
    assert.deepEqual(set.breakpoints, [{ verified: true, line: 2, source: { path: cellPath } }]);
    await dbg.ok('configurationDone');
    const again = await dbg.ok('debugInfo');
    assert.deepEqual(again.breakpoints, [{ source: cellPath, breakpoints: [{ line: 2 }] }]);
    const source = await dbg.ok('source', { source: { path: cellPath }, sourceReference: 0 });
    assert.equal(source.content, CELL);
  });

  it('stops a cell at its breakpoint; stack, variables, evaluate, stepping and continue work while heartbeat and control answer', async () => {
    const run = await kernel.startExecute(CELL);
    const stopped = await dbg.event('stopped', 1);
    assert.equal(stopped.reason, 'breakpoint');
    assert.equal(stopped.threadId, 1);
    assert.deepEqual((await dbg.ok('debugInfo')).stoppedThreads, [1]);

    // The kernel answers while the cell is paused.
    await kernel.heartbeat(3000);
    const info2 = await kernel.request('control', 'kernel_info_request', {}, 3000);
    assert.equal(info2.content.status, 'ok');

    const threads = (await dbg.ok('threads')).threads as { id: number }[];
    assert.ok(threads.some((t) => t.id === 1));
    const frames = (await dbg.ok('stackTrace', { threadId: 1 })).stackFrames as Frame[];
    assert.equal(frames[0]?.name, 'add');
    assert.equal(frames[0]?.line, 2);
    assert.equal(frames[0]?.source?.path, cellPath);
    assert.equal(frames[1]?.line, 6, 'the cell itself calls add on its line 6');
    assert.equal(frames[1]?.source?.path, cellPath);
    assert.equal(frames.length, 2, `only the cell's frames are shown: ${JSON.stringify(frames)}`);

    const scopes = (await dbg.ok('scopes', { frameId: frames[0]?.id })).scopes as { name: string; variablesReference: number }[];
    const locals = scopes.find((s) => s.name === 'Locals');
    assert.ok(locals, `scopes: ${JSON.stringify(scopes)}`);
    const localVars = (await dbg.ok('variables', { variablesReference: locals.variablesReference })).variables as Variable[];
    assert.equal(localVars.find((v) => v.name === 'a')?.value, '2');
    assert.equal(localVars.find((v) => v.name === 'b')?.value, '3');
    assert.ok(localVars.some((v) => v.name === 'sum'), 'sum is listed before it is assigned');

    const globals = scopes.find((s) => s.name === 'Globals');
    assert.ok(globals);
    const globalVars = (await dbg.ok('variables', { variablesReference: globals.variablesReference })).variables as Variable[];
    const buf = globalVars.find((v) => v.name === 'buf');
    assert.equal(buf?.value, '<Buffer 68 65 6c 6c 6f>');
    assert.ok(buf && buf.variablesReference > 0, 'a Buffer expands');
    assert.ok(!globalVars.some((v) => v.name === 'process' || v.name === 'libc'), 'the executor’s own globals are left out');
    const bytes = (await dbg.ok('variables', { variablesReference: buf.variablesReference })).variables as Variable[];
    assert.equal(bytes.find((v) => v.name === '0')?.value, '104');

    const evaluated = await dbg.ok('evaluate', { expression: 'a * 10 + b', frameId: frames[0]?.id, context: 'repl' });
    assert.equal(evaluated.result, '23');
    const failed = await dbg.request('evaluate', { expression: 'nosuchname', frameId: frames[0]?.id, context: 'repl' });
    assert.equal(failed.success, false);
    assert.match(String(failed.message), /nosuchname is not defined/);

    await dbg.ok('next', { threadId: 1 });
    const stepped = await dbg.event('stopped', 2);
    assert.equal(stepped.reason, 'step');
    const afterStep = (await dbg.ok('stackTrace', { threadId: 1 })).stackFrames as Frame[];
    assert.equal(afterStep[0]?.line, 3);
    const scopes2 = (await dbg.ok('scopes', { frameId: afterStep[0]?.id })).scopes as { name: string; variablesReference: number }[];
    const locals2 = (await dbg.ok('variables', { variablesReference: scopes2[0]?.variablesReference })).variables as Variable[];
    assert.equal(locals2.find((v) => v.name === 'sum')?.value, '5');

    await dbg.ok('stepOut', { threadId: 1 });
    await dbg.event('stopped', 3);
    const outside = (await dbg.ok('stackTrace', { threadId: 1 })).stackFrames as Frame[];
    // Back in the cell: V8 stops after the call, at the cell's next break location (line 6's assignment has none).
    assert.equal(outside[0]?.name, '<cell>');
    assert.equal(outside[0]?.line, 7);

    await dbg.ok('continue', { threadId: 1 });
    await dbg.event('continued', 1);
    const { reply, outputs } = await run.done;
    assert.equal(reply.content.status, 'ok');
    assert.equal(KernelClient.streamText(outputs), 'total 5\n');
  });

  it('steps into a function from the cell', async () => {
    const caller = 'const again = add(10, 20);\nagain;';
    const callerPath = String((await dbg.ok('dumpCell', { code: caller })).sourcePath);
    await dbg.ok('setBreakpoints', { breakpoints: [{ line: 1 }], source: { path: callerPath }, sourceModified: false });
    const stoppedBefore = dbg.events('stopped').length;
    const run = await kernel.startExecute(caller);
    await dbg.event('stopped', stoppedBefore + 1);
    let frames = (await dbg.ok('stackTrace', { threadId: 1 })).stackFrames as Frame[];
    assert.equal(frames[0]?.line, 1);
    assert.equal(frames[0]?.source?.path, callerPath);
    await dbg.ok('stepIn', { threadId: 1 });
    await dbg.event('stopped', stoppedBefore + 2);
    frames = (await dbg.ok('stackTrace', { threadId: 1 })).stackFrames as Frame[];
    assert.equal(frames[0]?.name, 'add');
    assert.equal(frames[0]?.source?.path, cellPath, 'add is shown in the cell that defined it');
    await dbg.ok('setBreakpoints', { breakpoints: [], source: { path: cellPath }, sourceModified: false });
    await dbg.ok('continue', { threadId: 1 });
    const { reply, outputs } = await run.done;
    assert.equal(reply.content.status, 'ok');
    const result = outputs.find((m) => m.header.msg_type === 'execute_result');
    assert.equal((result?.content.data as Record<string, string>)['text/plain'], '30');
  });

  it('lists the globals and shows one richly without a stop', async () => {
    const pointer = await kernel.execute("import koffi from 'koffi';\nconst malloc = koffi.load('libc.so.6').func('void *malloc(size_t)');\nconst ptr = malloc(16);");
    assert.equal(pointer.reply.content.status, 'ok');
    const variables = (await dbg.ok('inspectVariables')).variables as Variable[];
    assert.equal(variables.find((v) => v.name === 'total')?.value, '5');
    assert.equal(variables.find((v) => v.name === 'add')?.type, 'function');
    // A koffi pointer shows its address as C prints it.
    assert.match(String(variables.find((v) => v.name === 'ptr')?.value), /^\d+n \(0x[0-9a-f]+\)$/);
    const rich = await dbg.ok('richInspectVariables', { variableName: 'buf' });
    assert.match(String((rich.data as Record<string, string>)['text/plain']), /<Buffer 68 65 6c 6c 6f>/);
    const evaluated = await dbg.ok('evaluate', { expression: 'total * 2', context: 'repl' });
    assert.equal(evaluated.result, '10');
  });

  it('pauses a running cell, and an interrupt ends the paused cell without restarting the executor', async () => {
    const stoppedBefore = dbg.events('stopped').length;
    const run = await kernel.startExecute(SPIN);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await dbg.ok('pause', { threadId: 1 });
    const paused = await dbg.event('stopped', stoppedBefore + 1);
    assert.equal(paused.reason, 'pause');
    const frames = (await dbg.ok('stackTrace', { threadId: 1 })).stackFrames as Frame[];
    assert.equal(frames[0]?.source?.path, `${String(info.tmpFilePrefix)}${murmur2(SPIN, Number(info.hashSeed))}${String(info.tmpFileSuffix)}`);
    assert.ok([2, 3].includes(frames[0]?.line ?? 0));
    const interrupted = Date.now();
    await kernel.request('control', 'interrupt_request', {});
    const { reply } = await run.done;
    assert.equal(reply.content.status, 'error');
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    assert.doesNotMatch(String(reply.content.evalue), /restarted/);
    assert.ok(Date.now() - interrupted < 5000);
    const still = await kernel.execute('total');
    const result = still.outputs.find((m) => m.header.msg_type === 'execute_result');
    assert.equal((result?.content.data as Record<string, string>)['text/plain'], '5', 'the executor kept its state');
  });

  it('stops where an exception is thrown when asked to (the pause-on-exception button)', async () => {
    await dbg.ok('setExceptionBreakpoints', { filters: ['all'] });
    const stoppedBefore = dbg.events('stopped').length;
    const thrower = "const value = 41;\nthrow new Error('thrown on line 2');";
    const run = await kernel.startExecute(thrower);
    const stopped = await dbg.event('stopped', stoppedBefore + 1);
    assert.equal(stopped.reason, 'exception');
    const frames = (await dbg.ok('stackTrace', { threadId: 1 })).stackFrames as Frame[];
    assert.equal(frames[0]?.line, 2);
    await dbg.ok('setExceptionBreakpoints', { filters: [] });
    await dbg.ok('continue', { threadId: 1 });
    const { reply } = await run.done;
    assert.equal(reply.content.status, 'error');
    assert.equal(reply.content.evalue, 'thrown on line 2');
  });

  it('lets a paused cell run on when the frontend disconnects, and starts again', async () => {
    const waiting = "const before = 1;\nconst after = before + 1;\nafter;";
    const waitingPath = String((await dbg.ok('dumpCell', { code: waiting })).sourcePath);
    await dbg.ok('setBreakpoints', { breakpoints: [{ line: 2 }], source: { path: waitingPath }, sourceModified: false });
    const stoppedBefore = dbg.events('stopped').length;
    const run = await kernel.startExecute(waiting);
    await dbg.event('stopped', stoppedBefore + 1);
    await dbg.ok('disconnect', { restart: false, terminateDebuggee: false });
    assert.deepEqual((await dbg.ok('debugInfo')).stoppedThreads, []);
    const { reply, outputs } = await run.done;
    assert.equal(reply.content.status, 'ok');
    const result = outputs.find((m) => m.header.msg_type === 'execute_result');
    assert.equal((result?.content.data as Record<string, string>)['text/plain'], '2');
    await dbg.ok('initialize', { clientID: 'jupyterlab', adapterID: 'sockbook', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    await dbg.ok('attach', {});
    assert.equal((await dbg.ok('debugInfo')).isStarted, true);
  });

  it('disconnects: the debugger stops, breakpoints go, and cells run as before', async () => {
    await dbg.ok('disconnect', { restart: false, terminateDebuggee: false });
    const after = await dbg.ok('debugInfo');
    assert.equal(after.isStarted, false);
    assert.deepEqual(after.breakpoints, []);
    const stoppedBefore = dbg.events('stopped').length;
    const { reply, outputs } = await kernel.execute(CELL);
    assert.equal(reply.content.status, 'ok');
    assert.equal(KernelClient.streamText(outputs), 'total 5\n');
    assert.equal(dbg.events('stopped').length, stoppedBefore);
  });

  it('shows a debugged cell’s error on the cell’s own line', async () => {
    await dbg.ok('initialize', { clientID: 'jupyterlab', adapterID: 'sockbook', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    await dbg.ok('attach', {});
    const { reply } = await kernel.execute("const first = 1;\nthrow new Error('boom on line 2');");
    assert.equal(reply.content.status, 'error');
    assert.match((reply.content.traceback as string[]).join('\n'), /:2:\d+/);
    await dbg.ok('disconnect', { restart: false, terminateDebuggee: false });
  });

  it('refuses what it does not know with a reason, and keeps answering', async () => {
    const unknown = await dbg.request('frobnicate', {});
    assert.equal(unknown.success, false);
    assert.match(String(unknown.message), /not supported/);
    const missing = await dbg.request('scopes', {});
    assert.equal(missing.success, false);
    assert.match(String(missing.message), /frameId/);
    assert.equal((await dbg.ok('debugInfo')).isStarted, false);
  });
});

describe('debugger: murmur2 names cells as JupyterLab and ipykernel do', () => {
  // Values of ipykernel 7.4's murmur2_x86 (the hash JupyterLab's debugger computes) with seed 0xC70F6907.
  const vectors: [string, number][] = [
    ['', 3990065800],
    ['a', 2167009006],
    ['ab', 2805137849],
    ['abc', 3350977461],
    ['abcd', 804720481],
    ['hello world', 3537592377],
    ['const x = 1;\nx + 1', 2374132807],
    ['é€😀 unicode', 4293240558],
  ];
  for (const [text, hash] of vectors) {
    it(`murmur2(${JSON.stringify(text)})`, () => assert.equal(murmur2(text, 0xc70f6907), hash));
  }
});
