// Isolation: with SOCKBOOK_ISOLATE=net,tmp or --isolate, each
// kernel's commands and TypeScript cells get their own network namespace and
// /tmp, so two notebooks can bind the same port and unix socket path.
import * as assert from 'node:assert/strict';
import { annotationsOf } from './support/annotations';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { KernelClient } from './support/kernel-client';
import { isReaped, until } from './support/processes';
import { useKernelPerTest } from './support/kernel-fixture';

const SOCKBOOK = path.join(projectRoot, 'bin', 'sockbook.js');
const UNIX_PATH = '/tmp/my_precious_unix_socket';

// A server on 127.0.0.1:31008 and on UNIX_PATH that answers every client
// with its tag, and clients that print what they are told. The server says
// whether both binds worked, then serves in the background.
const NET_CELL = `%%cpp net.c
%run gcc net.c -o net.exe
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int tcp_address(struct sockaddr_in *a) {
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_port = htons(31008);
  return inet_pton(AF_INET, "127.0.0.1", &a->sin_addr);
}

static void unix_address(struct sockaddr_un *a) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  strcpy(a->sun_path, "${UNIX_PATH}");
}

static int serve(const char *tag) {
  struct sockaddr_in in;
  struct sockaddr_un un;
  tcp_address(&in);
  unix_address(&un);
  int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_UNIX, SOCK_STREAM, 0);
  if (bind(t, (struct sockaddr *)&in, sizeof in) < 0) { perror("bind 127.0.0.1:31008"); return 1; }
  if (bind(u, (struct sockaddr *)&un, sizeof un) < 0) { perror("bind ${UNIX_PATH}"); return 1; }
  listen(t, 16);
  listen(u, 16);
  printf("%s serves on 127.0.0.1:31008 and ${UNIX_PATH}\\n", tag);
  fflush(stdout);
  if (fork() > 0) return 0;
  setsid();
  for (int fd = 0; fd < 3; fd++) close(fd);
  struct pollfd fds[2] = {{t, POLLIN, 0}, {u, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) continue;
    for (int i = 0; i < 2; i++) {
      if (!(fds[i].revents & POLLIN)) continue;
      int c = accept(fds[i].fd, NULL, NULL);
      if (c < 0) continue;
      dprintf(c, "%s\\n", tag);
      close(c);
    }
  }
}

static int client(int unix_socket) {
  struct sockaddr_in in;
  struct sockaddr_un un;
  tcp_address(&in);
  unix_address(&un);
  int s = socket(unix_socket ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
  int r = unix_socket ? connect(s, (struct sockaddr *)&un, sizeof un) : connect(s, (struct sockaddr *)&in, sizeof in);
  if (r < 0) { perror("connect"); return 1; }
  char buf[256];
  ssize_t n;
  while ((n = read(s, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "serve")) return serve(argv[2]);
  if (argc == 2) return client(!strcmp(argv[1], "unix"));
  fprintf(stderr, "usage: net.exe serve TAG | tcp | unix\\n");
  return 2;
}
`;

function stdout(outputs: Parameters<typeof KernelClient.streamText>[0]): string {
  return KernelClient.streamText(outputs, 'stdout');
}

function stderr(outputs: Parameters<typeof KernelClient.streamText>[0]): string {
  return KernelClient.streamText(outputs, 'stderr');
}

async function run(kernel: KernelClient, code: string): Promise<{ out: string; err: string; notices: string[]; status: unknown }> {
  const { reply, outputs } = await kernel.execute(code);
  return { out: stdout(outputs), err: stderr(outputs), notices: annotationsOf(outputs, 'notice'), status: reply.content.status };
}

/** The namespaces this test process is in: what an unisolated command sees too. */
const hostNamespace = (kind: 'net' | 'mnt'): string => fs.readlinkSync(`/proc/self/ns/${kind}`);

/** Processes whose network namespace is ns (e.g. 'net:[4026532]'). */
function processesIn(ns: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readlinkSync(`/proc/${name}/ns/net`) === ns) pids.push(Number(name));
    } catch {
      // ended meanwhile, or not ours to look at
    }
  }
  return pids;
}

function holderPid(kernel: KernelClient): number {
  const m = /holder pid (\d+)/.exec(kernel.stderr);
  assert.ok(m, `the kernel says it is isolated:\n${kernel.stderr}`);
  return Number(m[1]);
}

describe('isolation (--isolate net,tmp / SOCKBOOK_ISOLATE)', function () {
  this.timeout(60000);
  const probe = `/tmp/sockbook-isolation-${randomBytes(6).toString('hex')}`;
  let a: KernelClient | undefined;
  let b: KernelClient | undefined;
  let plain: KernelClient | undefined;

  before(async () => {
    [a, b, plain] = await Promise.all([
      KernelClient.start({ env: { SOCKBOOK_ISOLATE: 'net,tmp' } }),
      KernelClient.start({ env: { SOCKBOOK_ISOLATE: 'net,tmp' } }),
      KernelClient.start({ env: { SOCKBOOK_ISOLATE: '' } }),
    ]);
    const compiled = await Promise.all([run(a, NET_CELL), run(b, NET_CELL)]);
    for (const c of compiled) assert.equal(c.status, 'ok', c.out + c.err);
  });

  after(async () => {
    await Promise.all([a?.close(), b?.close(), plain?.close()]);
    fs.rmSync(probe, { force: true });
  });

  it('lets two kernels bind 127.0.0.1:31008 and the same unix socket path, each reaching its own server', async () => {
    const served = [await run(a!, '!./net.exe serve A'), await run(b!, '!./net.exe serve B')];
    assert.equal(served[0].out, `A serves on 127.0.0.1:31008 and ${UNIX_PATH}\n`, served[0].err);
    assert.equal(served[1].out, `B serves on 127.0.0.1:31008 and ${UNIX_PATH}\n`, served[1].err);
    assert.equal((await run(a!, '!./net.exe tcp && ./net.exe unix')).out, 'A\nA\n');
    assert.equal((await run(b!, '!./net.exe tcp && ./net.exe unix')).out, 'B\nB\n');
  });

  it('gives each kernel its own /tmp, while the notebook directory stays shared with the kernel', async () => {
    assert.equal((await run(a!, `!echo only-in-A > ${probe} && cat ${probe}`)).out, 'only-in-A\n');
    const inB = await run(b!, `!cat ${probe}`);
    assert.match(inB.out, /No such file or directory/);
    assert.equal(fs.existsSync(probe), false, 'the host /tmp does not get the file');
    // The kernel writes cell files in the notebook directory; commands see them and write there too.
    assert.equal((await run(a!, '%%writefile note.txt\nwritten by the kernel')).status, 'ok');
    assert.equal((await run(a!, '!cat note.txt && pwd && echo from-the-command > back.txt')).out, `written by the kernel\n${a!.dir}\n`);
    assert.equal(fs.readFileSync(path.join(a!.dir, 'back.txt'), 'utf8'), 'from-the-command\n');
  });

  it('runs TypeScript cells in the same namespaces as the kernel\'s commands', async () => {
    const command = (await run(a!, '!readlink /proc/self/ns/net /proc/self/ns/mnt')).out;
    const ts = await run(a!, "import * as nodefs from 'node:fs';\nconsole.log(nodefs.readlinkSync('/proc/self/ns/net') + '\\n' + nodefs.readlinkSync('/proc/self/ns/mnt'))");
    assert.equal(ts.out, command, ts.err);
    assert.notEqual(command.split('\n')[0], hostNamespace('net'));
    assert.notEqual(command.split('\n')[1], hostNamespace('mnt'));

    const code = [
      'const taken = libc.socket(libc.AF_INET, libc.SOCK_STREAM);',
      'let bindError = "";',
      "try { libc.bind(taken, libc.sockaddr('127.0.0.1:31008')); } catch (e) { bindError = (e as { code: string }).code; }",
      'libc.close(taken);',
      'const s = libc.socket(libc.AF_INET, libc.SOCK_STREAM);',
      "libc.connect(s, libc.sockaddr('127.0.0.1:31008'));",
      'const answer = libc.readString(s);',
      'libc.close(s);',
      'console.log(bindError, answer.trim());',
    ].join('\n');
    const bound = await run(a!, code);
    assert.equal(bound.out, 'EADDRINUSE A\n', bound.err);
  });

  it('leaves a kernel without isolation on the host network and /tmp', async () => {
    const seen = await run(plain!, `!readlink /proc/self/ns/net /proc/self/ns/mnt; echo host > ${probe}`);
    assert.equal(seen.out, `${hostNamespace('net')}\n${hostNamespace('mnt')}\n`);
    assert.equal(fs.readFileSync(probe, 'utf8'), 'host\n');
    fs.rmSync(probe);
    assert.doesNotMatch(plain!.stderr, /isolation/);
  });

  it('ends the namespace holder and everything in the namespaces at shutdown', async () => {
    const kernel = a!;
    const holder = holderPid(kernel);
    const ns = (await run(kernel, '!readlink /proc/self/ns/net')).out.trim();
    assert.ok(processesIn(ns).includes(holder), 'the holder keeps the namespace');
    assert.ok(processesIn(ns).length >= 3, 'the server daemon and the executor are in it too');
    await kernel.close();
    assert.ok(await until(() => isReaped(holder), 5000), `holder ${holder} is still alive`);
    assert.ok(await until(() => processesIn(ns).length === 0, 5000), `left in the namespace: ${processesIn(ns).join(' ')}`);
  });
});

describe('isolation options and refusal', function () {
  this.timeout(60000);
  const startKernel = useKernelPerTest();

  it('--isolate net gives a network namespace and keeps the host /tmp', async () => {
    const kernel = await startKernel({
      env: { SOCKBOOK_ISOLATE: '' },
      argv: [process.execPath, SOCKBOOK, 'kernel', '-f', '{connection_file}', '--isolate', 'net'],
    });
    const probe = path.join('/tmp', `sockbook-isolation-${randomBytes(6).toString('hex')}`);
    try {
      fs.writeFileSync(probe, 'from the host\n');
      const seen = await run(kernel, `!readlink /proc/self/ns/net /proc/self/ns/mnt; cat ${probe}; cat /proc/net/if_inet6 | awk '{print $6}'`);
      const [net, mnt, ...rest] = seen.out.split('\n');
      assert.notEqual(net, hostNamespace('net'));
      assert.equal(mnt, hostNamespace('mnt'));
      assert.deepEqual(rest, ['from the host', 'lo', ''], 'only loopback, and it is up (it has ::1)');
    } finally {
      fs.rmSync(probe, { force: true });
    }
  });

  it('rejects an unknown --isolate value with a clear error', () => {
    const result = spawnSync(process.execPath, [SOCKBOOK, 'kernel', '-f', 'unused.json', '--isolate', 'net,disk'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--isolate: unknown isolation 'disk' in 'net,disk': use a comma separated list of net, tmp and pid, or none/);
  });

  it('says once, on stderr and beside the first cell\'s output, when the system does not allow it, and runs unisolated', async () => {
    // Root without capabilities (as in many containers): unshare is refused.
    const kernel = await startKernel({
      env: { SOCKBOOK_ISOLATE: 'net,tmp' },
      argv: ['setpriv', '--bounding-set=-all', '--inh-caps=-all', process.execPath, SOCKBOOK, 'kernel', '-f', '{connection_file}'],
    });
    const notice = /isolation \(net,tmp\) is not available here: unshare\(CLONE_NEWNET\|CLONE_NEWNS\): Operation not permitted\. Commands run without it/;
    assert.match(kernel.stderr, notice);
    const first = await run(kernel, '!readlink /proc/self/ns/net');
    assert.equal(first.notices.length, 1);
    assert.match(first.notices[0], notice);
    assert.equal(first.err, '');
    assert.equal(first.out, `${hostNamespace('net')}\n`);
    const second = await run(kernel, '!echo still running');
    assert.equal(second.out, 'still running\n');
    assert.equal(second.err, '');
    assert.deepEqual(second.notices, []);
    assert.equal(kernel.stderr.match(/not available here/g)?.length, 1);
  });
});
