import * as assert from 'node:assert/strict';
import type { Completeness, CompletionResult, InspectionResult, LanguageFacts } from '../kernel/interpreter/interpreter';
import type { CellOutcome, CellRequest, ExpressionResult } from '../kernel/interpreter/outcome';
import type { OutputSink } from '../kernel/interpreter/output-sink';
import { BaseInterpreter } from '../kernel/interpreter/base-interpreter';
import { Session } from '../kernel/session/session';
import type { ChannelEvents, Channels, OutgoingChannel, RoutedChannel } from '../kernel/transport/channels';
import { decodeMessage, encodeMessage, newHeader } from '../kernel/wire/codec';
import type { JsonObject, Message } from '../kernel/wire/message';
import { Signer } from '../kernel/wire/signer';

/*
 * The session in process: a transport in memory and an interpreter that
 * does what each cell's code names, with messages signed and verified by
 * the real codec. No sockets, no child processes.
 */

const signer = new Signer('hmac-sha256', 'session-test-key');

interface Sent {
  channel: OutgoingChannel;
  message: Message;
}

/** Channels in memory: what the session sends is decoded and kept; frames are delivered by the test. */
class MemoryChannels implements Channels {
  readonly sent: Sent[] = [];
  closed = false;
  /** Called with each message as the session sends it (before the send resolves). */
  onSend: ((sent: Sent) => void) | null = null;
  private events: ChannelEvents | null = null;

  listen(events: ChannelEvents): void {
    this.events = events;
  }

  deliver(channel: RoutedChannel, frames: Buffer[]): void {
    assert.ok(this.events, 'the session is not listening');
    this.events.frames(channel, frames);
  }

  subscribe(topic: string): void {
    assert.ok(this.events, 'the session is not listening');
    this.events.subscribed(Buffer.from(topic));
  }

  async send(channel: OutgoingChannel, frames: Buffer[]): Promise<void> {
    // As the ZeroMQ transport does: after close, sends are dropped.
    if (this.closed) return;
    const sent = { channel, message: decodeMessage(frames, signer) };
    this.sent.push(sent);
    this.onSend?.(sent);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Lets the session's promises run until the predicate holds. */
  async waitFor(predicate: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

const facts: LanguageFacts = {
  implementation: 'fake',
  implementationVersion: '1.0',
  language: { name: 'fake', version: '1', mimetype: 'text/plain', fileExtension: '.txt', pygmentsLexer: 'text', codemirrorMode: 'text' },
  banner: 'a fake interpreter',
  helpLinks: [],
};

const keyboardInterrupt: CellOutcome = { status: 'error', ename: 'KeyboardInterrupt', evalue: 'interrupted', traceback: ['KeyboardInterrupt'] };

/**
 * Cells by their code: 'fail' fails, 'block' runs until interrupted or shut
 * down, 'ask' asks for input and prints the answer; anything else prints
 * `ran <code>`.
 */
class ScriptedInterpreter extends BaseInterpreter {
  readonly ran: string[] = [];
  shutdowns: boolean[] = [];
  private releaseBlocked: (() => void) | null = null;

  /** Makes languageFacts throw, as a broken interpreter would. */
  brokenFacts = false;

  languageFacts(): LanguageFacts {
    if (this.brokenFacts) throw new TypeError('facts broke');
    return facts;
  }

  async execute(request: CellRequest, sink: OutputSink, interrupt: AbortSignal): Promise<CellOutcome> {
    this.ran.push(request.code);
    switch (request.code) {
      case 'fail':
        return { status: 'error', ename: 'Failure', evalue: 'it failed', traceback: ['Failure: it failed'] };
      case 'block':
        await new Promise<void>((resolve) => {
          this.releaseBlocked = resolve;
          interrupt.addEventListener('abort', () => resolve(), { once: true });
        });
        return interrupt.aborted ? keyboardInterrupt : { status: 'ok' };
      case 'ask':
        try {
          sink.stream('stdout', `got ${await sink.input('name: ')}\n`);
          return { status: 'ok' };
        } catch (error) {
          const e = error as Error;
          return { status: 'error', ename: e.name, evalue: e.message, traceback: [`${e.name}: ${e.message}`] };
        }
      default:
        sink.stream('stdout', `ran ${request.code}\n`);
        return { status: 'ok' };
    }
  }

  async evaluateExpressions(): Promise<Record<string, ExpressionResult>> {
    return {};
  }

  async complete(code: string): Promise<CompletionResult> {
    return { matches: [`${code}c`], cursorStart: 0, cursorEnd: code.length };
  }

  async inspect(): Promise<InspectionResult> {
    return { found: true, data: { 'text/plain': 'about it' } };
  }

  async isComplete(): Promise<Completeness> {
    return { status: 'complete' };
  }

  async shutdown(restart: boolean): Promise<void> {
    this.shutdowns.push(restart);
    // Like the real one: ending every process ends the running cell.
    this.releaseBlocked?.();
  }
}

/** One client of the in-memory kernel. */
class Harness {
  readonly channels = new MemoryChannels();
  readonly interpreter = new ScriptedInterpreter();
  readonly logged: string[] = [];
  readonly shutdowns: boolean[] = [];
  readonly session: Session;
  private readonly identity = Buffer.from('client-1');

  constructor() {
    this.session = new Session({
      channels: this.channels,
      signer,
      interpreter: this.interpreter,
      log: (text) => this.logged.push(text),
      onShutdown: (restart) => this.shutdowns.push(restart),
    });
    this.session.start();
  }

  /** Sends a request; returns its msg_id. */
  send(channel: RoutedChannel, msgType: string, content: JsonObject = {}, parent: Message | null = null): string {
    const { frames, msgId } = this.frames(msgType, content, parent);
    this.channels.deliver(channel, frames);
    return msgId;
  }

  frames(msgType: string, content: JsonObject = {}, parent: Message | null = null): { frames: Buffer[]; msgId: string } {
    const header = newHeader(msgType, 'client-session', 'test');
    const parentHeader = parent ? parent.header : {};
    const frames = encodeMessage({ identities: [this.identity], header, parent_header: parentHeader, metadata: {}, content, buffers: [] }, signer);
    return { frames, msgId: header.msg_id };
  }

  /** Answers the latest input_request of an execute request, as its child. */
  answer(executeId: string, value: string): void {
    const questions = this.childrenOf(executeId, 'stdin');
    this.send('stdin', 'input_reply', { value }, questions[questions.length - 1]);
  }

  execute(code: string, content: JsonObject = {}): string {
    return this.send('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: true, ...content });
  }

  childrenOf(msgId: string, channel?: OutgoingChannel): Message[] {
    return this.channels.sent.filter((s) => s.message.parent_header.msg_id === msgId && (!channel || s.channel === channel)).map((s) => s.message);
  }

  replyTo(msgId: string): Message | undefined {
    return this.channels.sent.find((s) => s.channel !== 'iopub' && s.message.parent_header.msg_id === msgId && s.message.header.msg_type.endsWith('_reply'))?.message;
  }

  async reply(msgId: string): Promise<Message> {
    await this.channels.waitFor(() => this.replyTo(msgId) !== undefined, `the reply to ${msgId}`);
    return this.replyTo(msgId) as Message;
  }

  isIdle(msgId: string): boolean {
    return this.childrenOf(msgId, 'iopub').some((m) => m.header.msg_type === 'status' && m.content.execution_state === 'idle');
  }

  /** Waits for the reply and the idle status of a request; returns its iopub messages. */
  async done(msgId: string): Promise<{ reply: Message; iopub: Message[] }> {
    const reply = await this.reply(msgId);
    await this.channels.waitFor(() => this.isIdle(msgId), `idle after ${msgId}`);
    return { reply, iopub: this.childrenOf(msgId, 'iopub') };
  }
}

const types = (messages: Message[]) => messages.map((m) => m.header.msg_type);
const states = (messages: Message[]) => messages.filter((m) => m.header.msg_type === 'status').map((m) => String(m.content.execution_state));

describe('session (in process, fake transport and interpreter)', () => {
  let kernel: Harness;
  beforeEach(() => {
    kernel = new Harness();
  });

  it('publishes busy then idle around every request, parented to it, and replies to the sender', async () => {
    const requests: [RoutedChannel, string, JsonObject][] = [
      ['shell', 'kernel_info_request', {}],
      ['control', 'kernel_info_request', {}],
      ['shell', 'complete_request', { code: 'ab', cursor_pos: 2 }],
      ['shell', 'inspect_request', { code: 'ab', cursor_pos: 1, detail_level: 0 }],
      ['shell', 'is_complete_request', { code: 'ab' }],
      ['shell', 'history_request', { hist_access_type: 'tail', n: 5, output: false, raw: true }],
      ['shell', 'comm_info_request', {}],
      ['shell', 'execute_request', { code: 'hello' }],
    ];
    let executeId = '';
    for (const [channel, msgType, content] of requests) {
      const msgId = kernel.send(channel, msgType, content);
      if (msgType === 'execute_request') executeId = msgId;
      const { reply, iopub } = await kernel.done(msgId);
      assert.equal(reply.header.msg_type, msgType.replace(/_request$/, '_reply'));
      assert.equal(reply.content.status, msgType === 'is_complete_request' ? 'complete' : 'ok');
      assert.deepEqual(reply.identities, [Buffer.from('client-1')], `${msgType} reply goes back to its sender`);
      assert.equal(kernel.channels.sent.find((s) => s.message === reply)?.channel, channel);
      assert.equal(iopub[0].header.msg_type, 'status', `${msgType}: first on iopub`);
      assert.deepEqual(states(iopub), ['busy', 'idle'], msgType);
      assert.equal(iopub[iopub.length - 1].content.execution_state, 'idle');
    }
    assert.deepEqual(types(kernel.childrenOf(executeId, 'iopub')), ['status', 'execute_input', 'stream', 'status']);
  });

  it('answers kernel_info with the protocol version around the interpreter\'s language facts', async () => {
    const { reply } = await kernel.done(kernel.send('shell', 'kernel_info_request'));
    assert.deepEqual(reply.content, {
      status: 'ok',
      protocol_version: '5.5',
      implementation: 'fake',
      implementation_version: '1.0',
      language_info: { name: 'fake', version: '1', mimetype: 'text/plain', file_extension: '.txt', pygments_lexer: 'text', codemirror_mode: 'text' },
      banner: 'a fake interpreter',
      help_links: [],
      debugger: false,
      supported_features: ['kernel subshells'],
    });
  });

  it('answers a debug_request on control with a debug_reply saying there is no debugger, when the interpreter has none', async () => {
    const { reply } = await kernel.done(kernel.send('control', 'debug_request', { type: 'request', seq: 7, command: 'debugInfo', arguments: {} }));
    assert.equal(reply.header.msg_type, 'debug_reply');
    assert.equal(reply.content.type, 'response');
    assert.equal(reply.content.request_seq, 7);
    assert.equal(reply.content.command, 'debugInfo');
    assert.equal(reply.content.success, false);
    assert.match(String(reply.content.message), /no debugger/);
  });

  it('aborts the executes queued behind an error when stop_on_error is set, and runs the next one', async () => {
    const failing = kernel.execute('fail');
    const queued = [kernel.execute('first'), kernel.execute('second')];
    const failed = await kernel.done(failing);
    assert.equal(failed.reply.content.status, 'error');
    assert.equal(failed.reply.content.ename, 'Failure');
    assert.deepEqual(types(failed.iopub), ['status', 'execute_input', 'error', 'status']);
    for (const msgId of queued) {
      const { reply, iopub } = await kernel.done(msgId);
      assert.equal(reply.content.status, 'aborted');
      assert.deepEqual(types(iopub), ['status', 'status']);
    }
    assert.deepEqual(kernel.interpreter.ran, ['fail']);

    const after = await kernel.done(kernel.execute('after'));
    assert.equal(after.reply.content.status, 'ok');
    assert.deepEqual(kernel.interpreter.ran, ['fail', 'after']);
  });

  it('runs the queued executes after an error when stop_on_error is false', async () => {
    const failing = kernel.execute('fail', { stop_on_error: false });
    const queued = kernel.execute('next');
    assert.equal((await kernel.done(failing)).reply.content.status, 'error');
    assert.equal((await kernel.done(queued)).reply.content.status, 'ok');
    assert.deepEqual(kernel.interpreter.ran, ['fail', 'next']);
  });

  it('answers control requests while a cell runs, and an interrupt ends the cell', async () => {
    const running = kernel.execute('block');
    const queued = kernel.execute('later');
    await kernel.channels.waitFor(() => kernel.interpreter.ran.includes('block'), 'the cell to start');

    const info = await kernel.done(kernel.send('control', 'kernel_info_request'));
    assert.equal(info.reply.content.status, 'ok');
    const shellInfo = kernel.send('shell', 'kernel_info_request');
    assert.equal(kernel.replyTo(running), undefined, 'the cell is still running');
    assert.equal(kernel.replyTo(shellInfo), undefined, 'shell requests wait behind the cell');

    const interrupt = await kernel.done(kernel.send('control', 'interrupt_request'));
    assert.equal(interrupt.reply.content.status, 'ok');
    const { reply } = await kernel.done(running);
    assert.equal(reply.content.status, 'error');
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    // The interrupted cell is an error: stop_on_error aborts what was queued behind it; other requests are answered.
    assert.equal((await kernel.done(queued)).reply.content.status, 'aborted');
    assert.equal((await kernel.done(shellInfo)).reply.content.status, 'ok');
  });

  it('asks for input on stdin, parented to the execute request, and passes the answer on', async () => {
    const msgId = kernel.execute('ask');
    await kernel.channels.waitFor(() => kernel.childrenOf(msgId, 'stdin').length > 0, 'input_request');
    const [question] = kernel.childrenOf(msgId, 'stdin');
    assert.equal(question.header.msg_type, 'input_request');
    assert.deepEqual(question.content, { prompt: 'name: ', password: false });
    assert.deepEqual(question.identities, [Buffer.from('client-1')]);
    kernel.answer(msgId, 'Ada');
    const { reply, iopub } = await kernel.done(msgId);
    assert.equal(reply.content.status, 'ok');
    assert.equal(iopub.find((m) => m.header.msg_type === 'stream')?.content.text, 'got Ada\n');
  });

  it('cancels a pending input request on interrupt: the cell ends with KeyboardInterrupt', async () => {
    const msgId = kernel.execute('ask');
    await kernel.channels.waitFor(() => kernel.childrenOf(msgId, 'stdin').length > 0, 'input_request');
    await kernel.done(kernel.send('control', 'interrupt_request'));
    const { reply, iopub } = await kernel.done(msgId);
    assert.equal(reply.content.status, 'error');
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    assert.equal(iopub.find((m) => m.header.msg_type === 'error')?.content.ename, 'KeyboardInterrupt');
    // A late answer to the cancelled question changes nothing, and the kernel goes on.
    kernel.answer(msgId, 'too late');
    const next = await kernel.done(kernel.execute('next'));
    assert.equal(next.reply.content.status, 'ok');
    assert.equal(types(kernel.channels.sent.map((s) => s.message)).filter((t) => t === 'stream').length, 1);
  });

  it('shuts down on control with requests still queued on shell: replies, closes, runs nothing more', async () => {
    const running = kernel.execute('block');
    const queued = [kernel.execute('queued'), kernel.send('shell', 'comm_info_request')];
    await kernel.channels.waitFor(() => kernel.interpreter.ran.includes('block'), 'the cell to start');

    const shutdown = kernel.send('control', 'shutdown_request', { restart: false });
    const reply = await kernel.reply(shutdown);
    assert.deepEqual(reply.content, { status: 'ok', restart: false });
    const published = kernel.childrenOf(shutdown, 'iopub').find((m) => m.header.msg_type === 'shutdown_reply');
    assert.deepEqual(published?.content, { status: 'ok', restart: false });
    await kernel.channels.waitFor(() => kernel.shutdowns.length > 0, 'onShutdown');
    assert.deepEqual(kernel.shutdowns, [false]);
    assert.deepEqual(kernel.interpreter.shutdowns, [false]);
    assert.equal(kernel.channels.closed, true);

    // The shutdown interrupted the running cell; the queued requests run nothing and get no reply.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(kernel.interpreter.ran, ['block']);
    // Its reply, if it was sent before the channels closed, says it was interrupted.
    assert.notEqual(kernel.replyTo(running)?.content.status, 'ok');
    for (const msgId of queued) assert.equal(kernel.replyTo(msgId), undefined);
    assert.ok(kernel.channels.sent.every((s) => !queued.includes(String(s.message.parent_header.msg_id))));
  });

  it('starts nothing after a shutdown_request on shell: queued cells behind it do not run', async () => {
    const running = kernel.execute('block');
    const shutdown = kernel.send('shell', 'shutdown_request', { restart: false });
    const after = kernel.execute('after shutdown');
    await kernel.channels.waitFor(() => kernel.interpreter.ran.includes('block'), 'the cell to start');
    // The interpreter's shutdown is what ends a running cell; here the cell is interrupted first, then the shutdown is taken.
    kernel.send('control', 'interrupt_request');
    await kernel.reply(shutdown);
    await kernel.channels.waitFor(() => kernel.shutdowns.length > 0, 'onShutdown');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(kernel.replyTo(running)?.content.ename, 'KeyboardInterrupt');
    assert.deepEqual(kernel.interpreter.ran, ['block']);
    assert.equal(kernel.replyTo(after), undefined);
  });

  it('keeps an interrupt that arrives after busy but before the cell starts: the cell ends interrupted, unrun', async () => {
    let executeId = '';
    kernel.channels.onSend = ({ message }) => {
      const busy = message.header.msg_type === 'status' && message.content.execution_state === 'busy';
      if (busy && message.parent_header.msg_id === executeId) {
        kernel.channels.onSend = null;
        kernel.send('control', 'interrupt_request');
      }
    };
    executeId = kernel.execute('quick');
    const { reply, iopub } = await kernel.done(executeId);
    assert.equal(reply.content.status, 'error');
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    assert.ok(iopub.some((m) => m.header.msg_type === 'error'));
    assert.deepEqual(kernel.interpreter.ran, []);
    // It was for that cell alone: the next one runs.
    assert.equal((await kernel.done(kernel.execute('next'))).reply.content.status, 'ok');
    assert.deepEqual(kernel.interpreter.ran, ['next']);
  });

  it('an interrupt while nothing runs is for no later cell', async () => {
    await kernel.done(kernel.send('control', 'interrupt_request'));
    const { reply } = await kernel.done(kernel.execute('fine'));
    assert.equal(reply.content.status, 'ok');
  });

  it('answers a request whose handler throws with an error reply of its type', async () => {
    kernel.interpreter.brokenFacts = true;
    for (const channel of ['shell', 'control'] as const) {
      const { reply, iopub } = await kernel.done(kernel.send(channel, 'kernel_info_request'));
      assert.equal(reply.header.msg_type, 'kernel_info_reply');
      assert.deepEqual(reply.content, { status: 'error', ename: 'TypeError', evalue: 'facts broke', traceback: ['TypeError: facts broke'] });
      assert.deepEqual(states(iopub), ['busy', 'idle']);
    }
    assert.ok(kernel.logged.some((l) => l.startsWith('kernel_info_request failed: TypeError: facts broke')));
    kernel.interpreter.brokenFacts = false;
    assert.equal((await kernel.done(kernel.execute('fine'))).reply.content.status, 'ok');
  });

  it('matches input_reply to its input_request by parent msg_id', async () => {
    const msgId = kernel.execute('ask');
    await kernel.channels.waitFor(() => kernel.childrenOf(msgId, 'stdin').length > 0, 'input_request');
    kernel.send('stdin', 'input_reply', { value: 'wrong parent' }, kernel.childrenOf(msgId, 'iopub')[0]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(kernel.replyTo(msgId), undefined, 'the answer to another request is ignored');
    assert.equal(kernel.logged.filter((l) => /ignored an input_reply/.test(l)).length, 1);
    kernel.answer(msgId, 'right one');
    const { iopub } = await kernel.done(msgId);
    assert.equal(iopub.find((m) => m.header.msg_type === 'stream')?.content.text, 'got right one\n');
  });

  it('takes an input_reply with an empty parent header as the answer to the one open question (the classic Notebook sends it so)', async () => {
    const msgId = kernel.execute('ask');
    await kernel.channels.waitFor(() => kernel.childrenOf(msgId, 'stdin').length > 0, 'input_request');
    kernel.send('stdin', 'input_reply', { value: 'no parent' });
    const { iopub } = await kernel.done(msgId);
    assert.equal(iopub.find((m) => m.header.msg_type === 'stream')?.content.text, 'got no parent\n');
  });

  it('drops a byte-identical replay of a signed message, and logs it', async () => {
    const { frames, msgId } = kernel.frames('execute_request', { code: 'once' });
    kernel.channels.deliver('shell', frames);
    await kernel.done(msgId);
    kernel.channels.deliver('shell', frames.map((f) => Buffer.from(f)));
    kernel.channels.deliver('control', frames.map((f) => Buffer.from(f)));
    await kernel.done(kernel.execute('after'));
    assert.deepEqual(kernel.interpreter.ran, ['once', 'after']);
    assert.equal(kernel.childrenOf(msgId).filter((m) => m.header.msg_type === 'execute_reply').length, 1);
    assert.equal(kernel.logged.filter((l) => /replayed message/.test(l)).length, 2);
  });

  it('logs fields of the wrong type and answers with the defaults instead', async () => {
    const msgId = kernel.send('shell', 'execute_request', { code: 42, silent: 'yes', store_history: true });
    const { reply, iopub } = await kernel.done(msgId);
    assert.equal(reply.content.status, 'ok');
    assert.deepEqual(types(iopub), ['status', 'execute_input', 'stream', 'status']);
    assert.deepEqual(kernel.interpreter.ran, ['']);
    assert.ok(kernel.logged.includes("execute_request: 'code' should be a string, got a number; using the default"), kernel.logged.join('\n'));
    assert.ok(kernel.logged.includes("execute_request: 'silent' should be a boolean, got a string; using the default"), kernel.logged.join('\n'));

    const history = await kernel.done(kernel.send('shell', 'history_request', { hist_access_type: 'search', pattern: 7, output: false }));
    assert.equal(history.reply.content.status, 'ok');
    assert.deepEqual(history.reply.content.history, [[1, 1, '']]);
  });

  it('searches history by glob in linear time, also with many stars on a long input', async () => {
    await kernel.done(kernel.execute('a'.repeat(100000)));
    await kernel.done(kernel.execute('abc'));
    const started = Date.now();
    const { reply } = await kernel.done(kernel.send('shell', 'history_request', { hist_access_type: 'search', pattern: '*a*a*a*a*a*a*a*b', output: false }));
    assert.ok(Date.now() - started < 200, `the search took ${Date.now() - started} ms`);
    assert.deepEqual(reply.content.history, []);
    const found = await kernel.done(kernel.send('shell', 'history_request', { hist_access_type: 'search', pattern: 'a?c', output: false }));
    assert.deepEqual(found.reply.content.history, [[1, 2, 'abc']]);
  });

  it('publishes status: starting at start-up, with an empty parent header', async () => {
    await kernel.channels.waitFor(() => kernel.channels.sent.length > 0, 'the first message');
    const [first] = kernel.channels.sent;
    assert.equal(first.channel, 'iopub');
    assert.equal(first.message.header.msg_type, 'status');
    assert.deepEqual(first.message.content, { execution_state: 'starting' });
    assert.deepEqual(first.message.parent_header, {});
  });

  it('welcomes each iopub subscription with iopub_welcome, on the topic subscribed to', async () => {
    kernel.channels.subscribe('');
    kernel.channels.subscribe('kernel.');
    await kernel.channels.waitFor(() => kernel.channels.sent.filter((s) => s.message.header.msg_type === 'iopub_welcome').length === 2, 'two welcomes');
    const welcomes = kernel.channels.sent.filter((s) => s.message.header.msg_type === 'iopub_welcome');
    assert.deepEqual(
      welcomes.map((w) => [w.channel, w.message.identities.map(String), w.message.content, w.message.parent_header]),
      [
        ['iopub', [''], { subscription: '' }, {}],
        ['iopub', ['kernel.'], { subscription: 'kernel.' }, {}],
      ],
    );
  });

  it('drops a message with a bad signature and one of an unknown type, and goes on', async () => {
    const forged = encodeMessage(
      { identities: [], header: newHeader('execute_request', 'x', 'test'), parent_header: {}, metadata: {}, content: { code: 'forged' }, buffers: [] },
      new Signer('hmac-sha256', 'wrong-key'),
    );
    kernel.channels.deliver('shell', forged);
    const unknown = kernel.send('shell', 'no_such_request');
    const { reply } = await kernel.done(kernel.execute('fine'));
    assert.equal(reply.content.status, 'ok');
    assert.deepEqual(kernel.interpreter.ran, ['fine']);
    assert.deepEqual(kernel.childrenOf(unknown), []);
    assert.ok(kernel.logged.some((l) => /invalid signature/.test(l)));
    assert.ok(kernel.logged.some((l) => /unknown shell message type 'no_such_request'/.test(l)));
  });
});

