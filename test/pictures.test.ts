// The picture magics (%tcpstates, %strace, %packets, %ps --tree) and their
// TypeScript functions, through a real kernel over ZeroMQ: the data each
// picture shows, and that each picture is well-formed SVG and valid Vega-Lite.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseStraceLog } from '../kernel/pictures/strace-log';
import { buildTimeline, leftOutNote } from '../kernel/pictures/strace-timeline';
import { buildLadder } from '../kernel/pictures/packet-ladder';
import { parseTcpdump } from '../kernel/pictures/tcpdump-lines';
import type { Message } from '../kernel/wire/message';
import { KernelClient } from './support/kernel-client';
import { useKernel, useKernelPerTest } from './support/kernel-fixture';

const VEGA_LITE = 'application/vnd.vegalite.v5+json';
const vegaLiteSchema = JSON.parse(readFileSync(require.resolve('vega-lite/build/vega-lite-schema.json'), 'utf8')) as object;
const validateVegaLite = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(vegaLiteSchema);

/** Parses an SVG with a real XML parser and returns its root <svg> element's text content. */
function assertSvg(svg: unknown): string {
  assert.equal(typeof svg, 'string', 'image/svg+xml is text');
  const result = XMLValidator.validate(svg as string);
  assert.equal(result, true, `well-formed XML: ${JSON.stringify(result)}`);
  const tree = new XMLParser({ ignoreAttributes: false }).parse(svg as string) as Record<string, unknown>;
  assert.ok(tree.svg, 'the root element is <svg>');
  assert.equal((tree.svg as Record<string, string>)['@_xmlns'], 'http://www.w3.org/2000/svg');
  return JSON.stringify(tree.svg);
}

function assertVegaLite(spec: unknown): void {
  const valid = validateVegaLite(spec);
  assert.ok(valid, `valid Vega-Lite v5: ${JSON.stringify(validateVegaLite.errors?.slice(0, 3))}`);
}

function displays(outputs: Message[]): Record<string, unknown>[] {
  return outputs.filter((m) => m.header.msg_type === 'display_data').map((m) => m.content.data as Record<string, unknown>);
}

function resultText(outputs: Message[]): string {
  const result = outputs.find((m) => m.header.msg_type === 'execute_result');
  assert.ok(result, `an execute_result in ${JSON.stringify(outputs.map((m) => m.content))}`);
  return String((result.content.data as Record<string, unknown>)['text/plain']);
}

const cppCell = (file: string, source: string) =>
  [`%%cpp ${file}`, `%run gcc -Wall ${file} -o ${file.replace(/\.c$/, '.exe')}`, source].join('\n');

/** A server and a client in one program: connect, 5 bytes each way, the client closes first, then the server. */
const PINGPONG_C = String.raw`
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(argc > 1 ? atoi(argv[1]) : 31008) };
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 8)) { perror("listen"); return 1; }
    pid_t child = fork();
    if (child == 0) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&a, sizeof a)) { perror("connect"); _exit(1); }
        if (write(c, "hello", 5) != 5) _exit(1);
        char buf[16];
        if (read(c, buf, sizeof buf) != 5) _exit(1);
        close(c);
        _exit(0);
    }
    int s = accept(l, NULL, NULL);
    char buf[16];
    int n = read(s, buf, sizeof buf);
    if (write(s, buf, n) != n) return 1;
    usleep(200000);
    close(s);
    waitpid(child, NULL, 0);
    printf("served %d bytes\n", n);
    return 0;
}
`;

/** Leaves behind a zombie (a child its parent never waits for) and a double-forked daemon; prints their pids. */
const TREE_C = String.raw`
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
    int p[2];
    if (pipe(p)) return 1;
    if (fork() == 0) {                    /* keeper: parent of the zombie */
        pid_t zombie = fork();
        if (zombie == 0) _exit(0);
        pid_t first = fork();
        if (first == 0) {                 /* the double fork */
            setsid();
            if (fork() == 0) {
                dprintf(p[1], "daemon=%d\n", getpid());
                close(p[1]);
                sleep(60);
                _exit(0);
            }
            _exit(0);
        }
        waitpid(first, NULL, 0);
        dprintf(p[1], "keeper=%d zombie=%d\n", getpid(), zombie);
        close(p[1]);
        sleep(60);
        _exit(0);
    }
    close(p[1]);
    char line[64] = {0};
    int got = 0, n;
    while ((n = read(p[0], line + got, sizeof line - 1 - got)) > 0) got += n;
    printf("%s", line);
    return 0;
}
`;

describe('pictures: parsing what strace and tcpdump write', () => {
  it('joins unfinished and resumed calls, and finds fork, exec, signals and exits in order', () => {
    const log = [
      '100 10:00:00.000100 execve("./server.exe", ["./server.exe"], 0x7ffc /* 3 vars */) = 0 <0.000200>',
      '100 10:00:00.001000 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3 <0.000010>',
      '100 10:00:00.001100 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>',
      '101 10:00:00.001200 connect(4, {sa_family=AF_INET}, 16 <unfinished ...>',
      '100 10:00:00.001300 <... clone resumed>, child_tidptr=0x1) = 101 <0.000150>',
      '100 10:00:00.001400 accept(3, NULL, NULL <unfinished ...>',
      '101 10:00:00.001500 <... connect resumed>) = 0 <0.000300>',
      '100 10:00:00.051400 <... accept resumed>) = 5 <0.050000>',
      '101 10:00:00.052000 kill(100, SIGUSR1) = 0 <0.000010>',
      '100 10:00:00.052100 --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=101, si_uid=0} ---',
      '101 10:00:00.053000 exit_group(0)     = ?',
      '101 10:00:00.053100 +++ exited with 0 +++',
      '100 10:00:00.054000 +++ killed by SIGKILL +++',
    ].join('\n');
    const trace = parseStraceLog(log);
    assert.deepEqual(trace.pids, [100, 101]);
    const calls = trace.events.filter((e) => e.kind === 'call').map((e) => (e.kind === 'call' ? `${e.pid}:${e.name}=${e.result}` : ''));
    assert.deepEqual(calls, ['100:execve=0', '100:socket=3', '100:clone=101', '101:connect=0', '100:accept=5', '101:kill=0', '101:exit_group=?']);
    const accept = trace.events.find((e) => e.kind === 'call' && e.name === 'accept');
    assert.ok(accept && accept.kind === 'call' && accept.duration === 0.05 && accept.args === '3, NULL, NULL', JSON.stringify(accept));
    assert.deepEqual(
      trace.events.filter((e) => e.kind !== 'call').map((e) => e.kind),
      ['exec', 'fork', 'signal', 'exit', 'exit'],
    );
    const signal = trace.events.find((e) => e.kind === 'signal');
    assert.deepEqual(signal, { kind: 'signal', pid: 100, time: 36000.0521, signal: 'SIGUSR1', from: 101 });
    assert.equal(trace.programs[101], './server.exe', 'the child runs its parent program');
  });

  it('caps the events drawn and says how many were left out', () => {
    const lines = ['7 10:00:00.000000 execve("./a.exe", ["./a.exe"], 0x1 /* 1 var */) = 0 <0.000100>'];
    for (let i = 0; i < 20; i++) lines.push(`7 10:00:00.${String(100 + i * 10).padStart(6, '0')} write(1, "x", 1) = 1 <0.000005>`);
    const timeline = buildTimeline(parseStraceLog(lines.join('\n')), { maxEvents: 5 });
    assert.equal(timeline.marks.length, 5);
    assert.equal(timeline.leftOut, 17, 'execve, exec and 20 writes: 22 events, 5 drawn');
    assert.match(leftOutNote(timeline), /^17 of 22 events left out after the first 5 \(--max-events N draws more\)$/);
    assert.deepEqual(timeline.marks.map((m) => m.t), [...timeline.marks.map((m) => m.t)].sort((a, b) => a - b), 'in time order');
  });

  it('follows both sides through the RFC 793 states from the segments', () => {
    const lines = [
      '1.000000 IP 127.0.0.1.40000 > 127.0.0.1.31008: Flags [S], seq 1000, win 65495, length 0',
      '1.000010 IP 127.0.0.1.31008 > 127.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 65483, length 0',
      '1.000020 IP 127.0.0.1.40000 > 127.0.0.1.31008: Flags [.], ack 5001, win 512, length 0',
      '1.000030 IP 127.0.0.1.40000 > 127.0.0.1.31008: Flags [P.], seq 1001:1006, ack 5001, win 512, length 5',
      '1.000040 IP 127.0.0.1.40000 > 127.0.0.1.31008: Flags [F.], seq 1006, ack 5001, win 512, length 0',
      '1.000050 IP 127.0.0.1.31008 > 127.0.0.1.40000: Flags [.], ack 1007, win 512, length 0',
      '1.000060 IP 127.0.0.1.31008 > 127.0.0.1.40000: Flags [F.], seq 5001, ack 1007, win 512, length 0',
      '1.000070 IP 127.0.0.1.40000 > 127.0.0.1.31008: Flags [.], ack 5002, win 512, length 0',
      'not a segment',
    ].join('\n');
    const ladder = buildLadder(parseTcpdump(lines));
    assert.deepEqual(ladder.endpoints, ['127.0.0.1:31008', '127.0.0.1:40000'], 'the listening side first');
    assert.deepEqual(
      ladder.steps.map((s) => `${s.kind} ${s.fromState}/${s.toState}`),
      [
        'SYN SYN-SENT/SYN-RECEIVED',
        'SYN-ACK SYN-RECEIVED/ESTABLISHED',
        'ACK ESTABLISHED/ESTABLISHED',
        'data 5 B ESTABLISHED/ESTABLISHED',
        'FIN FIN-WAIT-1/CLOSE-WAIT',
        'ACK CLOSE-WAIT/FIN-WAIT-2',
        'FIN LAST-ACK/TIME-WAIT',
        'ACK TIME-WAIT/CLOSED',
      ],
    );
    assert.deepEqual([ladder.steps[3]!.seq, ladder.steps[3]!.ack], [1, 1], 'relative numbers');
  });
});

describe('pictures: the magics and functions in a kernel', function () {
  this.timeout(120000);
  let dir: string;
  const started: number[] = [];

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-pictures-'));
  });
  // Registered ahead of the kernel's hooks, so that these are ended before the kernel is stopped.
  after(() => {
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  const kernel = useKernel(() => ({ cwd: dir, env: { ...process.env, SOCKBOOK_ISOLATE: 'net' } }));
  before(async () => {
    const { reply, outputs } = await kernel.execute(cppCell('pingpong.c', PINGPONG_C));
    assert.equal(reply.content.status, 'ok', KernelClient.streamText(outputs, 'stderr'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('%strace draws one lane per process, the calls in order, the fork, and keeps the raw log', async () => {
    const { reply, outputs } = await kernel.execute('%strace ./pingpong.exe 31009');
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    assert.match(KernelClient.streamText(outputs), /served 5 bytes/);
    const [bundle] = displays(outputs);
    assert.ok(bundle);
    assertSvg(bundle['image/svg+xml']);
    assertVegaLite(bundle[VEGA_LITE]);
    const text = String(bundle['text/plain']);
    const lanes = /^lanes: (.*)$/m.exec(text)?.[1]?.split(' | ') ?? [];
    assert.equal(lanes.length, 2, `two processes: ${text}`);
    const server = lanes[0]!.split(' ')[0]!;
    const serverCalls = text
      .split('\n')
      .filter((line) => new RegExp(`ms  ${server} `).test(line))
      .map((line) => /\s(\w+)\(/.exec(line.slice(line.indexOf(server) + server.length))?.[1])
      .filter((name): name is string => name !== undefined && ['socket', 'bind', 'listen', 'clone', 'accept', 'wait4'].includes(name));
    assert.deepEqual(serverCalls, ['socket', 'bind', 'listen', 'clone', 'accept', 'wait4'], text);
    assert.match(text, /\[fork\] fork → \d+/);
    assert.doesNotMatch(text, /execve\("[^"]*\/bash"/, 'the bash -c that strace started is not drawn');
    assert.match(text, /execve\("\.\/pingpong\.exe"/);
    assert.match(text, /raw log: strace\.log/);
    const spec = bundle[VEGA_LITE] as { data: { values: { kind: string }[] } };
    assert.ok(spec.data.values.some((m) => m.kind === 'fork'), 'a fork arrow in the chart');
    assert.match(readFileSync(path.join(dir, 'strace.log'), 'utf8'), /listen\(3, 8\)\s+= 0/);
  });

  it('strace() in TypeScript returns the trace: syscalls seen in order and the signal delivered', async () => {
    const code = [
      'const r = await strace("sh -c \'kill -USR1 $$; exit 0\'", { logFile: "usr1.log" });',
      'const sig = r.trace.events.find((e) => e.kind === "signal");',
      '[r.exitStatus, sig && sig.kind === "signal" ? sig.signal : "none", r.trace.events.some((e) => e.kind === "call" && e.name === "kill"), r.logFile].join(" ")',
    ].join('\n');
    const { reply, outputs } = await kernel.execute(code);
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    assert.match(resultText(outputs), /^'\d+ SIGUSR1 true usr1\.log'$/);
    const bundle = displays(outputs).find((d) => d['image/svg+xml'] !== undefined);
    assertSvg(bundle?.['image/svg+xml']);
    assertVegaLite(bundle?.[VEGA_LITE]);
  });

  it('%packets draws the handshake, the data and the close, with each side ending as RFC 793 says', async () => {
    const { reply, outputs } = await kernel.execute('%packets ./pingpong.exe 31010');
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    const [bundle] = displays(outputs);
    assert.ok(bundle);
    assertSvg(bundle['image/svg+xml']);
    assertVegaLite(bundle[VEGA_LITE]);
    const spec = bundle[VEGA_LITE] as { layer: { data?: { values: { kind: string; from: string; to: string; fromState: string; toState: string }[] } }[] };
    const steps = spec.layer.flatMap((layer) => layer.data?.values ?? []).filter((row) => row.kind !== undefined);
    assert.deepEqual(steps.slice(0, 3).map((s) => s.kind), ['SYN', 'SYN-ACK', 'ACK'], JSON.stringify(steps));
    const server = '127.0.0.1:31010';
    assert.equal(steps[0]!.to, server);
    const data = steps.filter((s) => s.kind.startsWith('data 5 B'));
    assert.deepEqual(data.map((s) => s.to === server), [true, false], 'hello there and back');
    const fins = steps.filter((s) => s.kind.includes('FIN'));
    assert.equal(fins.length, 2);
    assert.equal(fins[0]!.to, server, 'the client closes first');
    const last = steps[steps.length - 1]!;
    assert.equal(last.kind, 'ACK');
    assert.deepEqual([last.from === server ? last.toState : last.fromState, last.from === server ? last.fromState : last.toState], ['TIME-WAIT', 'CLOSED']);
    assert.match(String(bundle['text/plain']), /SYN \(seq 0\)/);
  });

  it('%ps --tree marks the zombie and the double-forked daemon, with the tree edges', async () => {
    const run = await kernel.execute(cppCell('tree.c', TREE_C) + '\n%run ./tree.exe');
    assert.equal(run.reply.content.status, 'ok');
    const printed = KernelClient.streamText(run.outputs);
    const pidOf = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(printed)?.[1] ?? NaN);
    const [daemon, keeper, zombie] = [pidOf('daemon'), pidOf('keeper'), pidOf('zombie')];
    assert.ok([daemon, keeper, zombie].every(Number.isInteger), printed);
    started.push(daemon, keeper);
    const code = [
      'const t = await psTree();',
      `const find = (pid: number) => t.processes.find((p) => p.pid === pid);`,
      `console.log(JSON.stringify({ daemon: find(${daemon}), zombie: find(${zombie}), keeperEdge: t.edges.some(([a, b]) => a === ${keeper} && b === ${zombie}) }))`,
    ].join('\n');
    const { reply, outputs } = await kernel.execute(code);
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    const found = JSON.parse(KernelClient.streamText(outputs)) as Record<string, { daemon: boolean; zombie: boolean; sid: number; pid: number } | boolean>;
    const d = found.daemon as { daemon: boolean; zombie: boolean; sid: number; pid: number };
    const z = found.zombie as { daemon: boolean; zombie: boolean };
    assert.equal(d.daemon, true, 'the double-forked process is a daemon');
    assert.notEqual(d.sid, d.pid, 'it does not lead its session');
    assert.equal(z.zombie, true);
    assert.equal(found.keeperEdge, true, 'the zombie hangs under its parent');
    const magic = await kernel.execute('%ps --tree');
    assert.equal(magic.reply.content.status, 'ok');
    const [bundle] = displays(magic.outputs);
    const svgText = assertSvg(bundle!['image/svg+xml']);
    assert.match(svgText, /daemon \(double fork\)/);
    assert.match(svgText, /ZOMBIE/);
    assert.match(svgText, /process group/);
    assert.match(String(bundle!['text/plain']), new RegExp(`^\\s*${zombie}\\s.*\\[zombie`, 'm'));
  });

  it('%tcpstates counts the sockets by state; --live updates the same display as the counts change', async () => {
    const first = await kernel.execute('%tcpstates --live 20');
    assert.equal(first.reply.content.status, 'ok', JSON.stringify(first.reply.content));
    const shown = first.outputs.find((m) => m.header.msg_type === 'display_data')!;
    const id = (shown.content.transient as { display_id: string }).display_id;
    assertSvg((shown.content.data as Record<string, unknown>)['image/svg+xml']);
    // A server that stays: LISTEN, one connection ESTABLISHED both ways.
    const server = await kernel.execute(
      'const net = require("node:net"); const srv = net.createServer(() => {}).listen(31011, "127.0.0.1"); await new Promise((r) => srv.once("listening", r)); const cli = net.connect(31011, "127.0.0.1"); await new Promise((r) => cli.once("connect", r)); 1',
    );
    assert.equal(server.reply.content.status, 'ok', JSON.stringify(server.reply.content));
    const deadline = Date.now() + 15000;
    let update: Message | undefined;
    while (!update && Date.now() < deadline) {
      update = kernel.iopubMessages.find(
        (m) => m.header.msg_type === 'update_display_data' && (m.content.transient as { display_id?: string }).display_id === id && /ESTABLISHED\s+2/.test(String((m.content.data as Record<string, unknown>)['text/plain'])),
      );
      if (!update) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(update, 'the live diagram was updated in place with the new counts');
    const text = String((update.content.data as Record<string, unknown>)['text/plain']);
    assert.match(text, /^LISTEN\s+1$/m);
    assertSvg((update.content.data as Record<string, unknown>)['image/svg+xml']);
    const stop = await kernel.execute('%tcpstates --stop');
    const last = stop.outputs.filter((m) => m.header.msg_type === 'update_display_data').pop();
    assert.ok(last, 'the stop redraws the diagram once more, through the --stop cell');
    assert.equal((last.content.transient as { display_id: string }).display_id, id);
    assert.match(String((last.content.data as Record<string, unknown>)['text/plain']), /^ESTABLISHED\s+2$[\s\S]*\(live view stopped\)$/m);
    const handle = await kernel.execute('const s = await tcpStates(); s.stop(); `${s.data.counts.LISTEN} ${s.data.counts.ESTABLISHED}`');
    assert.equal(resultText(handle.outputs), "'1 2'");
    await kernel.execute('cli.destroy(); srv.close();');
  });

  it('tcpStates({ live: true }) in TypeScript updates its display as a later cell opens sockets, until stop()', async () => {
    const first = await kernel.execute('const live = await tcpStates({ live: true, seconds: 20, intervalMs: 150 }); live.id');
    assert.equal(first.reply.content.status, 'ok', JSON.stringify(first.reply.content));
    const id = resultText(first.outputs).replace(/'/g, '');
    const shown = first.outputs.find((m) => m.header.msg_type === 'display_data');
    assert.equal((shown?.content.transient as { display_id?: string }).display_id, id);
    const opened = await kernel.execute(
      'const srv2 = require("node:net").createServer(() => {}).listen(31012, "127.0.0.1"); await new Promise((r) => srv2.once("listening", r)); 1',
    );
    assert.equal(opened.reply.content.status, 'ok');
    await kernel.waitFor(
      () =>
        kernel.iopubMessages.some(
          (m) => m.header.msg_type === 'update_display_data' && (m.content.transient as { display_id?: string }).display_id === id && /^LISTEN\s+1$/m.test(String((m.content.data as Record<string, unknown>)['text/plain'])),
        ),
      15000,
    );
    const stopped = await kernel.execute('live.stop(); await live.done; srv2.close(); live.data.counts.LISTEN');
    assert.equal(resultText(stopped.outputs), '1');
  });

  it('the functions are typed for completion and help', async () => {
    const reply = await kernel.request('shell', 'complete_request', { code: 'tcpSt', cursor_pos: 5 });
    assert.ok((reply.content.matches as string[]).includes('tcpStates'), JSON.stringify(reply.content.matches));
    const help = await kernel.execute('?packets');
    const payload = (help.reply.content.payload as Array<{ data: Record<string, string> }>)[0];
    assert.match(payload?.data['text/plain'] ?? '', /--isolate net/);
  });

  it('interrupting %strace of a long command ends the cell with KeyboardInterrupt, and the kernel goes on', async () => {
    const { done } = await kernel.startExecute('%strace sleep 30', {}, 30000);
    await new Promise((r) => setTimeout(r, 1500));
    await kernel.request('control', 'interrupt_request', {});
    const { reply } = await done;
    assert.equal(reply.content.status, 'error');
    assert.equal(reply.content.ename, 'KeyboardInterrupt');
    const after = await kernel.execute('%tcpstates');
    assert.equal(after.reply.content.status, 'ok');
  });

  it('bad arguments get a usage error and the kernel keeps answering', async () => {
    const { reply } = await kernel.execute('%strace');
    assert.equal(reply.content.status, 'error');
    assert.match(String(reply.content.evalue), /usage: %strace/);
    const again = await kernel.execute('%tcpstates --live -3');
    assert.equal(again.reply.content.status, 'error');
    const ok = await kernel.execute('%tcpstates');
    assert.equal(ok.reply.content.status, 'ok');
  });
});

describe('pictures: %packets outside a network namespace', function () {
  this.timeout(60000);
  const startKernel = useKernelPerTest();
  let dir = '';
  // Registered after the kernels' hook: the kernel's working directory goes once the kernel is stopped.
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  it('refuses, saying it needs --isolate net, and runs nothing', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-pictures-'));
    const kernel = await startKernel({ cwd: dir, env: { ...process.env, SOCKBOOK_ISOLATE: '' } });
    const { reply, outputs } = await kernel.execute('%packets touch ran');
    assert.equal(reply.content.status, 'error');
    assert.equal(reply.content.ename, 'NotIsolated');
    assert.match(String(reply.content.evalue), /--isolate net/);
    assert.equal(KernelClient.streamText(outputs), '');
    const ts = await kernel.execute('await packets("touch ran")');
    assert.equal(ts.reply.content.status, 'error');
    assert.match(String(ts.reply.content.evalue), /--isolate net/);
    assert.throws(() => readFileSync(path.join(dir, 'ran')), /ENOENT/, 'the command did not run');
  });
});

describe('pictures: psTree() in a PID namespace of its own', function () {
  this.timeout(60000);
  const startKernel = useKernelPerTest();
  let dir = '';
  // Registered after the kernels' hook: the kernel's working directory goes once the kernel is stopped.
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  it('draws the namespace\'s processes under the kernel, which is outside it', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-pictures-'));
    const kernel = await startKernel({ cwd: dir, env: { ...process.env, SOCKBOOK_ISOLATE: 'net,pid' } });
    const background = await kernel.execute('!sleep 30 &');
    assert.equal(background.reply.content.status, 'ok');
    const { reply, outputs } = await kernel.execute('const t = await psTree(); console.log(JSON.stringify(t))');
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    const tree = JSON.parse(KernelClient.streamText(outputs)) as { processes: { pid: number; command: string; note?: string }[]; edges: [number, number][] };
    const sleep = tree.processes.find((p) => p.command === 'sleep 30');
    assert.ok(sleep, JSON.stringify(tree.processes));
    assert.equal(tree.processes[0]!.note, 'this kernel');
    const parentOf = (pid: number) => tree.edges.find(([, child]) => child === pid)?.[0];
    let ancestor: number | undefined = sleep.pid;
    while (ancestor !== undefined && ancestor !== 0) ancestor = parentOf(ancestor);
    assert.equal(ancestor, 0, 'the sleep hangs under the kernel');
    assertSvg(displays(outputs).find((d) => d['image/svg+xml'])?.['image/svg+xml']);
  });
});
