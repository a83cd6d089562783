// The first Tab and Shift-Tab of a lesson, over real ZeroMQ: right after the
// kernel is ready (the executor and its type checker not yet started) and
// after the checker was unloaded for idleness, completion and inspection
// answer in full: the built-ins' members with their types, the globals, the
// cells' own names, man pages. Once the checker is loaded, its answers
// (members of the cells' own objects, locals) are given as before.
import * as assert from 'node:assert/strict';
import { KernelClient } from './support/kernel-client';
import type { Message } from '../kernel/wire/message';
import { useKernel } from './support/kernel-fixture';

/** The checker thread unloads after this many idle seconds in these tests (60 by default). */
const IDLE_S = 2;

interface Completion {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  /** name → the type JupyterLab's icon follows */
  types: Map<string, string>;
}

function completionOf(reply: Message): Completion {
  const content = reply.content as { status: string; matches: string[]; cursor_start: number; cursor_end: number; metadata: Record<string, unknown> };
  assert.equal(content.status, 'ok');
  const typed = (content.metadata._jupyter_types_experimental ?? []) as Array<{ text: string; type: string; start: number; end: number }>;
  assert.deepEqual(
    typed.map((t) => t.text),
    content.matches,
    '_jupyter_types_experimental has one entry per match, in order',
  );
  for (const t of typed) assert.deepEqual([t.start, t.end], [content.cursor_start, content.cursor_end]);
  return { matches: content.matches, cursorStart: content.cursor_start, cursorEnd: content.cursor_end, types: new Map(typed.map((t) => [t.text, t.type])) };
}

async function complete(kernel: KernelClient, code: string, cursor = code.length): Promise<Completion> {
  return completionOf(await kernel.request('shell', 'complete_request', { code, cursor_pos: cursor }));
}

async function inspect(kernel: KernelClient, code: string, cursor = code.length): Promise<{ found: boolean; text: string }> {
  const reply = await kernel.request('shell', 'inspect_request', { code, cursor_pos: cursor, detail_level: 0 });
  assert.equal(reply.content.status, 'ok');
  const data = reply.content.data as Record<string, unknown>;
  return { found: reply.content.found === true, text: String(data['text/plain'] ?? '') };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The libc members the course uses, with the kind the language service gives an object literal's members. */
const LIBC_MEMBERS = ['socket', 'bind', 'listen', 'accept4', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_wait_async', 'EPOLLIN', 'AF_INET', 'SOCK_STREAM', 'constants', 'strerror'];

describe('first Tab: completion and inspection before the type checker is loaded', function () {
  this.timeout(120_000);
  const kernel = useKernel({ env: { SOCKBOOK_CHECKER_IDLE_S: String(IDLE_S) } });

  let firstLibc: Completion;
  let firstDisplay: Completion;

  it('right after ready: `libc.` lists every binding and constant, typed; `display.` its methods; globals with their kinds', async () => {
    firstLibc = await complete(kernel, 'libc.');
    for (const name of LIBC_MEMBERS) assert.ok(firstLibc.matches.includes(name), `${name} in libc. completions`);
    assert.ok(firstLibc.matches.length > 300, `${firstLibc.matches.length} libc members`);
    assert.equal(firstLibc.types.get('epoll_wait'), 'property');
    assert.deepEqual([firstLibc.cursorStart, firstLibc.cursorEnd], [5, 5]);

    const prefixed = await complete(kernel, 'const fd = libc.epoll_c');
    assert.deepEqual(prefixed.matches, ['epoll_create1', 'epoll_ctl']);
    assert.deepEqual([prefixed.cursorStart, prefixed.cursorEnd], ['const fd = libc.'.length, 'const fd = libc.epoll_c'.length]);

    firstDisplay = await complete(kernel, 'display.');
    for (const name of ['html', 'markdown', 'svg', 'png', 'json', 'text', 'data', 'clear']) assert.ok(firstDisplay.matches.includes(name), `display.${name}`);
    assert.equal(firstDisplay.types.get('html'), 'method');

    const globals = await complete(kernel, 'dis');
    assert.ok(globals.matches.includes('display'), globals.matches.join(' '));
    assert.equal(globals.types.get('display'), 'const');
    const more = await complete(kernel, 'la');
    assert.equal(more.types.get('launch'), 'function');
    // In the middle of a line, the word before the cursor is what is completed.
    const middle = await complete(kernel, 'await sle(1000)', 'await sle'.length);
    assert.deepEqual([middle.cursorStart, middle.cursorEnd], ['await '.length, 'await sle'.length]);
    assert.equal(middle.types.get('sleep'), 'function');
  });

  it('right after ready: Shift-Tab on a libc binding shows its type and its man page; on a C name, the man page', async () => {
    const member = await inspect(kernel, 'libc.epoll_wait(');
    assert.ok(member.found);
    assert.match(member.text, /epoll_wait: \(epfd: number, events: EpollEvent\[\], maxevents: number, timeout: number\) => number/);
    assert.match(member.text, /epoll_wait\(2\)/);
    assert.match(member.text, /epoll_wait, epoll_pwait/, 'the man page NAME section');

    const bare = await inspect(kernel, 'epoll_wait');
    assert.ok(bare.found);
    assert.match(bare.text, /epoll_wait, epoll_pwait/);

    const builtin = await inspect(kernel, 'display');
    assert.match(builtin.text, /^const display: SockbookDisplay/);
    assert.match(builtin.text, /Rich output in the cell/);
  });

  it("the cells' top-level names complete, with their kinds, before and after the checker is unloaded", async () => {
    const cell = [
      "const server = launch('true');",
      'let { hits, misses: [firstMiss] } = { hits: 1, misses: [2] };',
      'function handleClient(fd: number): number { const inner = fd; return inner; }',
      'class Connection { port = 0 }',
      'interface Settings { verbose: boolean }',
    ].join('\n');
    const run = await kernel.execute(cell);
    assert.equal(run.reply.content.status, 'ok', JSON.stringify(run.reply.content));
    await kernel.execute('await server.wait()');

    // The cell's check loads the checker; with nothing asked, it unloads IDLE_S seconds later.
    await sleep((IDLE_S + 6) * 1000);
    const names = await complete(kernel, 'h');
    assert.equal(names.types.get('hits'), 'let');
    assert.equal(names.types.get('handleClient'), 'function');
    const all = await complete(kernel, '');
    assert.equal(all.types.get('server'), 'const');
    assert.equal(all.types.get('firstMiss'), 'let');
    assert.equal(all.types.get('Connection'), 'class');
    assert.ok(!all.matches.includes('inner'), 'a local of a function is not a global');
    assert.ok(!all.matches.includes('Settings'), 'a type is not offered where a statement starts');
    assert.ok(all.matches.includes('libc') && all.matches.includes('while'), 'the globals and the keywords follow');
    assert.ok(all.matches.indexOf('server') < all.matches.indexOf('libc'), "the cells' names come first, as the language service orders them");

    const inspected = await inspect(kernel, 'handleClient');
    assert.ok(inspected.found);
    assert.match(inspected.text, /handleClient/);
  });

  it('after the idle unload: `libc.` and Shift-Tab answer in full again', async () => {
    await sleep((IDLE_S + 3) * 1000);
    const again = await complete(kernel, 'libc.');
    assert.deepEqual(again.matches, firstLibc.matches);
    const member = await inspect(kernel, 'libc.epoll_wait');
    assert.match(member.text, /\(epfd: number/);
    assert.match(member.text, /epoll_wait, epoll_pwait/);
  });

  it("once the checker is loaded: the same built-in answers, and members of the cells' own objects and locals", async () => {
    await kernel.execute("const conn = { host: 'localhost', port: 31008, send(text: string): number { return text.length; } };");
    const own = await complete(kernel, 'conn.');
    assert.deepEqual(own.matches, ['host', 'port', 'send']);
    assert.equal(own.types.get('send'), 'method');
    assert.equal(own.types.get('port'), 'property');

    const local = await complete(kernel, 'function f(count: number) {\n  const counted = count;\n  return cou');
    assert.ok(local.matches.includes('count') && local.matches.includes('counted'), local.matches.join(' '));

    const warmLibc = await complete(kernel, 'libc.');
    assert.deepEqual(warmLibc.matches, firstLibc.matches, 'the table answered what the checker answers');
    assert.deepEqual([...warmLibc.types], [...firstLibc.types]);
    const warmDisplay = await complete(kernel, 'display.');
    assert.deepEqual([...warmDisplay.types], [...firstDisplay.types]);

    const typed = await inspect(kernel, 'conn');
    assert.match(typed.text, /const conn: \{/);
  });
});
