import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { manRoot } from '../kernel/help/man-pages';
import { nativeArtifact } from '../kernel/paths';
import type { Message } from '../kernel/wire/message';
import { KernelClient } from './support/kernel-client';
import { useKernel } from './support/kernel-fixture';

/** The MIME bundle of the one display_data a view cell shows. */
function shownBundle(outputs: Message[]): Record<string, string> {
  const displays = outputs.filter((m) => m.header.msg_type === 'display_data');
  assert.equal(displays.length, 1, `one display expected, got: ${JSON.stringify(outputs.map((m) => m.content))}`);
  return displays[0]!.content.data as Record<string, string>;
}

function ppidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function isAncestor(ancestor: number, pid: number): boolean {
  for (let current = pid; current > 1; current = ppidOf(current)) if (current === ancestor) return true;
  return false;
}

/** A program that sets its sockets up, forks, and leaves the child (adopted by the runner) holding them. */
const TCP_STATES_C = String.raw`
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(void) {
    struct sockaddr_in6 addr6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT, .sin6_port = 0 };
    socklen_t len6 = sizeof addr6;
    int listener6 = socket(AF_INET6, SOCK_STREAM, 0);
    if (bind(listener6, (struct sockaddr *)&addr6, sizeof addr6) || listen(listener6, 8) ||
        getsockname(listener6, (struct sockaddr *)&addr6, &len6)) { perror("listener6"); return 1; }
    struct sockaddr_un local = { .sun_family = AF_UNIX, .sun_path = "teaching.sock" };
    int unix_listener = socket(AF_UNIX, SOCK_STREAM, 0);
    unlink(local.sun_path);
    if (bind(unix_listener, (struct sockaddr *)&local, sizeof local) || listen(unix_listener, 8)) { perror("unix"); return 1; }
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0 };
    socklen_t len = sizeof addr;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) || listen(listener, 8) ||
        getsockname(listener, (struct sockaddr *)&addr, &len)) { perror("listener"); return 1; }
    int quiet = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(quiet, (struct sockaddr *)&addr, sizeof addr)) { perror("connect"); return 1; }
    int quiet_peer = accept(listener, NULL, NULL);
    if (write(quiet, "hello", 5) != 5) return 1;
    int closing = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(closing, (struct sockaddr *)&addr, sizeof addr)) { perror("connect"); return 1; }
    int closing_peer = accept(listener, NULL, NULL);
    shutdown(closing, SHUT_WR); /* the peer reads end-of-file and never closes: CLOSE-WAIT */
    int done = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(done, (struct sockaddr *)&addr, sizeof addr)) { perror("connect"); return 1; }
    int done_peer = accept(listener, NULL, NULL);
    close(done);      /* the side that closes first ends in TIME-WAIT, */
    close(done_peer); /* once the other side has closed too */
    (void)quiet_peer; (void)closing_peer;
    pid_t child = fork();
    if (child > 0) { printf("%d %d %d %d\n", child, listener, ntohs(addr.sin_port), ntohs(addr6.sin6_port)); return 0; }
    sleep(60);
    return 0;
}
`;

const EPOLL_C = String.raw`
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int ep = epoll_create1(0);
    int p[2], sv[2];
    if (ep < 0 || pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) { perror("setup"); return 1; }
    struct epoll_event in = { .events = EPOLLIN, .data.fd = p[0] };
    struct epoll_event rdhup = { .events = EPOLLIN | EPOLLRDHUP, .data.u64 = 0x1234abcd };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &in) || epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &rdhup)) { perror("epoll_ctl"); return 1; }
    pid_t child = fork();
    if (child > 0) { printf("%d %d %d %d\n", child, ep, p[0], sv[0]); return 0; }
    sleep(60);
    return 0;
}
`;

const cppCell = (file: string, source: string) =>
  [`%%cpp ${file}`, `%run gcc -Wall ${file} -o ${file.replace(/\.c$/, '.exe')}`, `%run ./${file.replace(/\.c$/, '.exe')}`, source].join('\n');

describe('seeing the system: %ps, %ss, %epoll, man pages', function () {
  this.timeout(60000);
  /** Processes the tests had the kernel start; killed by pid at the end if still there. */
  const started: number[] = [];

  after(async () => {
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  const kernel = useKernel();

  /** Runs a program cell and returns the numbers it printed. */
  async function runProgram(file: string, source: string): Promise<number[]> {
    const { reply, outputs } = await kernel.execute(cppCell(file, source));
    const text = KernelClient.streamText(outputs);
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    const numbers = /^(\d+(?: \d+)*)$/m.exec(text)?.[1];
    assert.ok(numbers, `the program printed its numbers: ${text}${KernelClient.streamText(outputs, 'stderr')}`);
    const values = numbers.split(' ').map(Number);
    started.push(values[0]!);
    return values;
  }

  it('%ps shows a background sleep and the executor as a tree under the kernel, with states', async () => {
    await kernel.execute('1 + 1'); // starts the TypeScript executor
    const background = await kernel.execute('!sleep 30 &');
    assert.equal(background.reply.content.status, 'ok');
    const { reply, outputs } = await kernel.execute('%ps');
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    const bundle = shownBundle(outputs);
    const text = bundle['text/plain']!;
    const lines = text.split('\n');
    assert.match(lines[0]!, /^\s*PID\s+STATE\s+COMMAND$/);
    const kernelPid = kernel.process.pid!;
    assert.match(lines[1]!, new RegExp(`^\\s*${kernelPid}\\s+[RS] \\((running|sleeping)\\)\\s+\\S.*\\[this kernel\\]$`));
    const sleep = /^\s*(\d+)\s+S \(sleeping\)\s.*[|`]- sleep 30$/m.exec(text);
    assert.ok(sleep, `a sleeping "sleep 30" in the tree:\n${text}`);
    const sleepPid = Number(sleep[1]);
    started.push(sleepPid);
    assert.ok(isAncestor(kernelPid, sleepPid), 'the kernel is an ancestor of the sleep');
    // The runner helper adopted the sleep when bash exited: the sleep is drawn one level under it.
    const helper = lines.find((line) => line.includes('[runner') && line.includes('sleep 30 &'));
    assert.ok(helper, `the runner helper of the command is listed:\n${text}`);
    assert.equal(ppidOf(sleepPid), Number(helper.trim().split(/\s+/)[0]));
    const depth = (line: string) => line.search(/[|`]- /);
    assert.equal(depth(sleep[0]), depth(helper) + 3, `sleep is nested under its runner helper:\n${text}`);
    assert.match(text, /\|- .*\[TypeScript executor\]|`- .*\[TypeScript executor\]/);
    assert.match(text, /\[runner(, command over)?: sleep 30 &\]/);
    assert.match(bundle['text/html']!, /<table>/);
    assert.match(bundle['text/html']!, new RegExp(`<td[^>]*>${sleepPid}</td><td[^>]*>S \\(sleeping\\)</td>`));
  });

  it('%ss shows LISTEN, ESTABLISHED with its queue, CLOSE-WAIT, FIN-WAIT-2 with owners, and TIME-WAIT', async () => {
    const [pid, listenerFd, port, port6] = await runProgram('tcp_states.c', TCP_STATES_C);
    const { reply, outputs } = await kernel.execute('%ss');
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    const bundle = shownBundle(outputs);
    const text = bundle['text/plain']!;
    const rows = text.split('\n').filter((line) => line.includes(`:${port}`));
    const row = (pattern: RegExp) => {
      const found = rows.filter((line) => pattern.test(line));
      assert.equal(found.length, 1, `one row like ${pattern} in:\n${text}`);
      return found[0]!;
    };
    const me = String(pid);
    const listen = row(new RegExp(`^IPv4\\s+stream\\s+LISTEN\\s+0\\s+\\d+\\s+127\\.0\\.0\\.1:${port}\\s+0\\.0\\.0\\.0:\\*\\s+${me}/${listenerFd}\\s`));
    assert.match(listen, /tcp_states\.exe/);
    // The accepted end of the quiet connection has the 5 unread bytes its client wrote.
    row(new RegExp(`ESTABLISHED\\s+5\\s+0\\s+127\\.0\\.0\\.1:${port}\\s+127\\.0\\.0\\.1:\\d+\\s+${me}/\\d+`));
    row(new RegExp(`ESTABLISHED\\s+0\\s+0\\s+127\\.0\\.0\\.1:\\d+\\s+127\\.0\\.0\\.1:${port}\\s+${me}/\\d+`));
    row(new RegExp(`CLOSE-WAIT\\s+\\d+\\s+0\\s+127\\.0\\.0\\.1:${port}\\s+127\\.0\\.0\\.1:\\d+\\s+${me}/\\d+`));
    row(new RegExp(`FIN-WAIT-2\\s+0\\s+0\\s+127\\.0\\.0\\.1:\\d+\\s+127\\.0\\.0\\.1:${port}\\s+${me}/\\d+`));
    assert.match(text, new RegExp(`^IPv6\\s+stream\\s+LISTEN\\s+0\\s+\\d+\\s+\\[::1\\]:${port6}\\s+\\[::\\]:\\*\\s+${me}/\\d+\\s`, 'm'));
    assert.match(text, new RegExp(`^unix\\s+stream\\s+LISTEN\\s+-\\s+-\\s+teaching\\.sock\\s+\\*\\s+${me}/\\d+\\s`, 'm'));
    // The connection closed on both sides: TIME-WAIT, which no process holds any more.
    row(new RegExp(`TIME-WAIT\\s+0\\s+0\\s+127\\.0\\.0\\.1:\\d+\\s+127\\.0\\.0\\.1:${port}\\s+-\\s+\\(no process: closed\\)$`));
    assert.match(text.split('\n')[0]!, /^Family\s+Type\s+State\s+Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port\s+PID\/FD\s+Command$/);
    const html = bundle['text/html']!;
    assert.match(html, /<th[^>]*>State<\/th>/);
    assert.match(html, new RegExp(`<td[^>]*>CLOSE-WAIT</td>.*<td[^>]*>127\\.0\\.0\\.1:${port}</td>`));
    // The kernel's own ZeroMQ sockets are not the student's: none of its pid.
    assert.doesNotMatch(text, new RegExp(`\\s${kernel.process.pid}/\\d+\\s`));
  });

  it('%epoll PID lists the interest list with event names, data and targets', async () => {
    const [pid, epfd, pipeFd, socketFd] = await runProgram('epoll_demo.c', EPOLL_C);
    const { reply, outputs } = await kernel.execute(`%epoll ${pid}`);
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    const bundle = shownBundle(outputs);
    const text = bundle['text/plain']!;
    assert.match(text, new RegExp(`^pid ${pid} \\(epoll_demo.exe, S \\(sleeping\\)\\)`));
    assert.match(text, new RegExp(`epoll instance fd ${epfd}: 2 fds in its interest list`));
    const line = (fd: number) => text.split('\n').find((l) => new RegExp(`^\\s+${fd}\\s+EPOLL`).test(l)) ?? '';
    const pipeLine = line(pipeFd!);
    assert.match(pipeLine, /\bEPOLLIN\b/);
    assert.doesNotMatch(pipeLine, /EPOLLRDHUP/);
    assert.match(pipeLine, new RegExp(`0x${pipeFd!.toString(16)}\\s+${pipeFd}\\s+pipe:\\[\\d+\\]`));
    const socketLine = line(socketFd!);
    assert.match(socketLine, /\bEPOLLIN\b.*\bEPOLLRDHUP\b/);
    assert.match(socketLine, /0x1234abcd\s+305441741\s+socket:\[\d+\] \(unix \* CONNECTED\)/);
    assert.match(bundle['text/html']!, /<td[^>]*>EPOLLIN\|EPOLLERR\|EPOLLHUP\|EPOLLRDHUP<\/td>/);

    const missing = await kernel.execute('%epoll 999999999');
    assert.equal(missing.reply.content.status, 'error');
    assert.equal(missing.reply.content.ename, 'ProcessLookupError');
    assert.match(String(missing.reply.content.evalue), /no process with pid 999999999/);
  });

  it('Shift-Tab on socket in a %%cpp cell shows its man page synopsis and description', async () => {
    assert.ok(
      existsSync(path.join(manRoot(), 'man2', 'socket.2.gz')),
      'manpages-dev is not installed (socket(2) is missing): run npm test, which installs it, or apt-get install manpages-dev',
    );
    const code = '%%cpp sock.c\n#include <sys/socket.h>\nint main(void) { return socket(AF_INET, SOCK_STREAM, 0); }';
    const reply = await kernel.request('shell', 'inspect_request', { code, cursor_pos: code.indexOf('socket(') + 3, detail_level: 0 });
    assert.equal(reply.content.status, 'ok');
    assert.equal(reply.content.found, true);
    const text = String((reply.content.data as Record<string, unknown>)['text/plain']);
    assert.match(text, /^SOCKET\(2\)/);
    assert.match(text, /SYNOPSIS\n\s+#include <sys\/socket\.h>\n\n\s+int socket\(int domain, int type, int protocol\);/);
    assert.match(text, /DESCRIPTION\n\s+socket\(\) creates an endpoint for communication/);
    assert.doesNotMatch(text, /\\f[BIRP]|^\.(BI|BR|PP|TP)\b/m);

    // A constant shows its value from this machine's headers.
    const values = JSON.parse(readFileSync(nativeArtifact('constants.json'), 'utf8')) as Record<string, number>;
    const constant = '%%c\nint x = EPOLLRDHUP;';
    const about = await kernel.request('shell', 'inspect_request', { code: constant, cursor_pos: constant.length - 2, detail_level: 0 });
    assert.match(String((about.content.data as Record<string, unknown>)['text/plain']), new RegExp(`^EPOLLRDHUP = ${values.EPOLLRDHUP} `));
  });

  it('Shift-Tab on libc.epoll_wait in TypeScript shows its type, then the man page', async () => {
    const code = 'const n = libc.epoll_wait';
    const reply = await kernel.request('shell', 'inspect_request', { code, cursor_pos: code.length, detail_level: 0 });
    assert.equal(reply.content.found, true);
    const text = String((reply.content.data as Record<string, unknown>)['text/plain']);
    const typeAt = text.search(/epoll_wait: \(epfd: number/);
    const manAt = text.search(/EPOLL_WAIT\(2\)/);
    assert.ok(typeAt >= 0 && manAt > typeAt, `the TypeScript type, then the man page:\n${text}`);
    assert.match(text, /system call waits for events on the epoll\(7\) instance/);
  });

  it('completes C names from the man pages and the cell; TypeScript stays with the language service', async () => {
    const code = '%%c demo.c\n#include <sys/epoll.h>\nint epoll_count = 0;\nint main(void) { return epoll_c';
    const reply = await kernel.request('shell', 'complete_request', { code, cursor_pos: code.length });
    const matches = reply.content.matches as string[];
    for (const name of ['epoll_create1', 'epoll_ctl', 'epoll_count']) assert.ok(matches.includes(name), `${name} in ${matches.join(' ')}`);
    assert.ok(matches.every((m) => m.startsWith('epoll_c')), matches.join(' '));
    assert.deepEqual(matches, [...new Set(matches)].sort());
    assert.equal(reply.content.cursor_start, code.length - 'epoll_c'.length);
    assert.equal(reply.content.cursor_end, code.length);

    const ts = 'libc.epoll_c';
    const tsReply = await kernel.request('shell', 'complete_request', { code: ts, cursor_pos: ts.length });
    const tsMatches = tsReply.content.matches as string[];
    assert.ok(tsMatches.includes('epoll_ctl'), tsMatches.join(' '));
    assert.ok(!tsMatches.includes('epoll_count'));
  });
});
