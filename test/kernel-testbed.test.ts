// The checks of runtimed's kernel-testbed (the public Jupyter kernel
// conformance suite, whose client is the jupyter-protocol crate), in our own
// suite and with TypeScript snippets: one `it` per check, named as the suite
// names it, each asserting at least what that check asserts. Every message
// the kernel sends here is also checked against the messaging specification's
// schema (test/support/message-schema.ts).
import * as assert from 'node:assert/strict';
import type { Message } from '../kernel/wire/message';
import { KernelClient } from './support/kernel-client';
import { messageProblems } from './support/message-schema';
import { useKernel } from './support/kernel-fixture';

/** The snippets the suite asks of each language, in TypeScript. */
const SNIPPETS = {
  printHello: 'console.log("hello")',
  printStderr: 'console.error("error")',
  completeCode: 'const testbedValue = 1 + 1',
  incompleteCode: 'for (let i = 0; i < 3; i++) {',
  completionSetup: 'const testbedVariable = 42',
  completionPrefix: 'testbedVar',
  syntaxError: 'let = ;',
  displayData: 'display.html("<b>hello</b>")',
  updateDisplayData: 'const testbedHandle = display.text("one", { id: "testbed-display" }); testbedHandle.update("two")',
  simpleExpr: '1 + 1',
  richExecuteResult: '({ _repr_mimebundle_: () => ({ "text/html": "<b>rich</b>", "text/plain": "rich" }) })',
  inputPrompt: 'const answer = await input("Enter: "); console.log(answer)',
};

const typesOf = (messages: Message[]) => messages.map((m) => m.header.msg_type);

describe("kernel-testbed's conformance checks, with TypeScript snippets", function () {
  this.timeout(60000);
  const kernel = useKernel({ validate: true });

  // Tier 1: basic protocol
  it('heartbeat_responds', async () => {
    const ms = await kernel.heartbeat();
    assert.ok(ms < 5000);
  });

  it('iopub_welcome', () => {
    // JEP 65: the first message a subscriber gets, with no parent.
    const welcome = kernel.iopubMessages.find((m) => m.header.msg_type === 'iopub_welcome');
    assert.ok(welcome, 'an iopub_welcome was received');
    assert.equal(typeof welcome.content.subscription, 'string');
    assert.deepEqual(welcome.parent_header, {});
  });

  it('kernel_info_reply_valid', async () => {
    const reply = await kernel.request('shell', 'kernel_info_request', {});
    assert.equal(reply.header.msg_type, 'kernel_info_reply');
    assert.equal(reply.content.status, 'ok');
    assert.deepEqual(messageProblems('shell', reply), []);
  });

  it('kernel_info_has_language_info', async () => {
    const reply = await kernel.request('shell', 'kernel_info_request', {});
    const info = reply.content.language_info as Record<string, unknown>;
    assert.equal(info.name, 'typescript');
    // runtimed's types: codemirror_mode a string, or an object with an integer version.
    const mode = info.codemirror_mode;
    assert.ok(typeof mode === 'string' || (typeof mode === 'object' && mode !== null && Number.isInteger((mode as { version?: unknown }).version)), JSON.stringify(mode));
  });

  it('kernel_info_has_protocol_version', async () => {
    const reply = await kernel.request('control', 'kernel_info_request', {});
    assert.match(String(reply.content.protocol_version), /^5\.\d+$/);
  });

  it('execute_stdout', async () => {
    const { outputs } = await kernel.execute(SNIPPETS.printHello);
    assert.match(KernelClient.streamText(outputs, 'stdout'), /hello/);
  });

  it('execute_stderr', async () => {
    const { outputs } = await kernel.execute(SNIPPETS.printStderr);
    assert.match(KernelClient.streamText(outputs, 'stderr'), /error/);
  });

  it('execute_reply_ok', async () => {
    const { reply } = await kernel.execute(SNIPPETS.completeCode.replace('testbedValue', 'testbedValue1'));
    assert.equal(reply.header.msg_type, 'execute_reply');
    assert.equal(reply.content.status, 'ok');
  });

  it('status_busy_idle_lifecycle', async () => {
    const { outputs } = await kernel.execute(SNIPPETS.completeCode.replace('testbedValue', 'testbedValue2'));
    const states = outputs.filter((m) => m.header.msg_type === 'status').map((m) => m.content.execution_state);
    assert.deepEqual(states, ['busy', 'idle']);
    assert.equal(outputs[0]?.header.msg_type, 'status', 'busy comes first');
  });

  it('execute_input_broadcast', async () => {
    const code = SNIPPETS.completeCode.replace('testbedValue', 'testbedValue3');
    const { outputs, reply } = await kernel.execute(code);
    const input = outputs.find((m) => m.header.msg_type === 'execute_input');
    assert.equal(input?.content.code, code);
    assert.equal(input?.content.execution_count, reply.content.execution_count);
  });

  // Tier 2: interactive features
  it('complete_request', async () => {
    await kernel.execute(SNIPPETS.completionSetup);
    const code = SNIPPETS.completionPrefix;
    const reply = await kernel.request('shell', 'complete_request', { code, cursor_pos: code.length });
    assert.equal(reply.content.status, 'ok');
    assert.ok((reply.content.matches as string[]).includes('testbedVariable'));
    assert.equal(reply.content.cursor_end, code.length);
  });

  it('inspect_request', async () => {
    const code = 'testbedVariable';
    const reply = await kernel.request('shell', 'inspect_request', { code, cursor_pos: code.length, detail_level: 0 });
    assert.equal(reply.content.status, 'ok');
    assert.equal(reply.content.found, true);
    assert.match(String((reply.content.data as Record<string, unknown>)['text/plain']), /testbedVariable: 42/);
  });

  it('is_complete_complete', async () => {
    const reply = await kernel.request('shell', 'is_complete_request', { code: SNIPPETS.completeCode });
    assert.equal(reply.content.status, 'complete');
  });

  it('is_complete_incomplete', async () => {
    const reply = await kernel.request('shell', 'is_complete_request', { code: SNIPPETS.incompleteCode });
    assert.equal(reply.content.status, 'incomplete');
    assert.equal(typeof reply.content.indent, 'string');
  });

  it('history_request', async () => {
    await kernel.execute(SNIPPETS.completeCode.replace('testbedValue', 'testbedValue4'));
    const reply = await kernel.request('shell', 'history_request', { hist_access_type: 'tail', n: 10, output: false, raw: true });
    assert.equal(reply.content.status, 'ok');
    const rows = reply.content.history as [number, number, string][];
    assert.ok(rows.some((row) => row[2] === 'const testbedValue4 = 1 + 1'));
  });

  it('comm_info_request', async () => {
    const reply = await kernel.request('shell', 'comm_info_request', {});
    assert.equal(reply.content.status, 'ok');
    assert.equal(typeof reply.content.comms, 'object');
  });

  it('error_handling', async () => {
    const { reply, outputs } = await kernel.execute(SNIPPETS.syntaxError);
    assert.equal(reply.content.status, 'error');
    const error = outputs.find((m) => m.header.msg_type === 'error');
    assert.ok(error, 'an error on iopub');
    assert.equal(error.content.ename, reply.content.ename);
  });

  // Tier 3: rich output
  it('display_data', async () => {
    const { outputs } = await kernel.execute(SNIPPETS.displayData);
    const shown = outputs.find((m) => m.header.msg_type === 'display_data');
    assert.equal((shown?.content.data as Record<string, unknown>)['text/html'], '<b>hello</b>');
  });

  it('update_display_data', async () => {
    const { outputs } = await kernel.execute(SNIPPETS.updateDisplayData);
    assert.deepEqual(typesOf(outputs).filter((t) => t.endsWith('display_data')), ['display_data', 'update_display_data']);
    const update = outputs.find((m) => m.header.msg_type === 'update_display_data');
    assert.equal((update?.content.transient as Record<string, unknown>).display_id, 'testbed-display');
    assert.equal((update?.content.data as Record<string, unknown>)['text/plain'], 'two');
  });

  it('execute_result', async () => {
    const { outputs, reply } = await kernel.execute(SNIPPETS.simpleExpr);
    const result = outputs.find((m) => m.header.msg_type === 'execute_result');
    assert.equal((result?.content.data as Record<string, unknown>)['text/plain'], '2');
    assert.equal(result?.content.execution_count, reply.content.execution_count);
  });

  it('rich_execute_result', async () => {
    const { outputs } = await kernel.execute(SNIPPETS.richExecuteResult);
    const result = outputs.find((m) => m.header.msg_type === 'execute_result');
    assert.equal((result?.content.data as Record<string, unknown>)['text/html'], '<b>rich</b>');
  });

  // Tier 4: advanced features
  it('stdin_input_request', async () => {
    let asked: Message | undefined;
    kernel.stdinHandler = (m) => {
      if (m.header.msg_type !== 'input_request') return;
      asked = m;
      void kernel.answerInput(m, 'test_input_42');
    };
    try {
      const { reply, outputs } = await kernel.execute(SNIPPETS.inputPrompt, { allow_stdin: true });
      assert.equal(asked?.content.prompt, 'Enter: ');
      assert.equal(asked?.content.password, false);
      assert.equal(reply.content.status, 'ok');
      assert.match(KernelClient.streamText(outputs), /test_input_42/);
    } finally {
      kernel.stdinHandler = null;
    }
  });

  it('comms_lifecycle', async () => {
    // A comm to a target nobody registered is closed by the kernel, which keeps answering.
    const open = await kernel.send('shell', 'comm_open', { comm_id: 'testbed-comm-1', target_name: 'jupyter.kernel_testbed.test', data: {} });
    const messages = await kernel.waitIdle(open);
    const closed = messages.find((m) => m.header.msg_type === 'comm_close');
    assert.equal(closed?.content.comm_id, 'testbed-comm-1');
    // And a registered target gets the whole lifecycle: open, msg both ways, close.
    await kernel.execute('comm.registerTarget("testbed", (c) => c.on("msg", (m) => c.send({ echo: m.data.n })))');
    const opened = await kernel.send('shell', 'comm_open', { comm_id: 'testbed-comm-2', target_name: 'testbed', data: {} });
    await kernel.waitIdle(opened);
    const sent = await kernel.send('shell', 'comm_msg', { comm_id: 'testbed-comm-2', data: { n: 7 } });
    await kernel.waitIdle(sent);
    await kernel.waitFor(() => kernel.iopubMessages.some((m) => m.header.msg_type === 'comm_msg' && (m.content.data as { echo?: number }).echo === 7));
    const info = await kernel.request('shell', 'comm_info_request', {});
    assert.deepEqual((info.content.comms as Record<string, unknown>)['testbed-comm-2'], { target_name: 'testbed' });
    const close = await kernel.send('shell', 'comm_close', { comm_id: 'testbed-comm-2', data: {} });
    await kernel.waitIdle(close);
    const after = await kernel.request('shell', 'comm_info_request', {});
    assert.equal((after.content.comms as Record<string, unknown>)['testbed-comm-2'], undefined);
    const { reply } = await kernel.execute(SNIPPETS.completeCode.replace('testbedValue', 'testbedValue5'));
    assert.equal(reply.content.status, 'ok');
  });

  it('interrupt_request', async () => {
    const { done } = await kernel.startExecute('await sleep(30000)');
    await new Promise((r) => setTimeout(r, 500));
    const reply = await kernel.request('control', 'interrupt_request', {});
    assert.equal(reply.header.msg_type, 'interrupt_reply');
    assert.equal(reply.content.status, 'ok');
    const { reply: executed } = await done;
    assert.equal(executed.content.status, 'error');
  });

  it('execution_count_increments', async () => {
    const first = await kernel.execute(SNIPPETS.simpleExpr);
    const second = await kernel.execute(SNIPPETS.simpleExpr);
    assert.equal(Number(second.reply.content.execution_count), Number(first.reply.content.execution_count) + 1);
  });

  it('parent_header_correlation', async () => {
    const { reply, outputs, msgId } = await kernel.execute(SNIPPETS.printHello);
    assert.equal(reply.parent_header.msg_id, msgId);
    assert.ok(outputs.length >= 4);
    for (const message of outputs) assert.equal(message.parent_header.msg_id, msgId, message.header.msg_type);
  });

  it('every message so far matches the messaging specification', () => {
    assert.deepEqual(kernel.schemaProblems, []);
    const seen = new Set(kernel.iopubMessages.map((m) => m.header.msg_type));
    for (const type of ['iopub_welcome', 'status', 'execute_input', 'stream', 'display_data', 'update_display_data', 'execute_result', 'error', 'comm_msg', 'comm_close']) {
      assert.ok(seen.has(type), `${type} was checked`);
    }
  });

  // Shutdown is last, as in the suite.
  it('shutdown_reply', async () => {
    const reply = await kernel.request('control', 'shutdown_request', { restart: false });
    assert.equal(reply.content.status, 'ok');
    assert.equal(reply.content.restart, false);
    assert.equal(await kernel.waitExit(), 0);
    assert.deepEqual(kernel.schemaProblems, []);
  });
});

describe('the messaging schema of the tests', () => {
  const header = (msgType: string) => ({ msg_id: 'a', session: 's', username: 'u', date: '2026-01-01T00:00:00.000Z', msg_type: msgType, version: '5.5' });
  const message = (msgType: string, content: Record<string, unknown>) => ({ header: header(msgType), parent_header: {}, metadata: {}, content });
  const info = (codemirrorMode: unknown) =>
    message('kernel_info_reply', {
      status: 'ok',
      protocol_version: '5.5',
      implementation: 'k',
      implementation_version: '1',
      banner: '',
      language_info: { name: 'typescript', version: '6', mimetype: 'text/typescript', file_extension: '.ts', codemirror_mode: codemirrorMode },
    });

  it("takes codemirror_mode as a name or {name, version: integer}, and refuses sockbook's former {name, mode, mime}", () => {
    assert.deepEqual(messageProblems('shell', info('typescript')), []);
    assert.deepEqual(messageProblems('shell', info({ name: 'ipython', version: 3 })), []);
    assert.notDeepEqual(messageProblems('shell', info({ name: 'application/typescript', mode: 'javascript', mime: 'application/typescript' })), []);
  });

  it('refuses wrong field types, missing fields, a bad date and a message on the wrong channel', () => {
    assert.notDeepEqual(messageProblems('shell', message('execute_reply', { status: 'ok' })), [], 'execution_count missing');
    assert.notDeepEqual(messageProblems('shell', message('complete_reply', { status: 'ok', matches: [1], cursor_start: 0, cursor_end: 0, metadata: {} })), []);
    assert.notDeepEqual(messageProblems('iopub', message('status', { execution_state: 'sleeping' })), []);
    assert.notDeepEqual(messageProblems('iopub', { ...message('stream', { name: 'stdout', text: 'x' }), header: { ...header('stream'), date: 'yesterday' } }), []);
    assert.notDeepEqual(messageProblems('iopub', message('execute_reply', { status: 'ok', execution_count: 1 })), []);
    assert.deepEqual(messageProblems('iopub', message('stream', { name: 'stdout', text: 'x' })), []);
  });
});
