/**
 * The epoll echo server of the epoll lesson (notebooks/src/epoll.cells.md):
 * TypeScript calling libc through koffi, run as a cell in a sockbook kernel,
 * against the same server in C (bench/c/echo_server.c), both serving one C
 * client (bench/c/echo_client.c) on 127.0.0.1 that sends COUNT small messages
 * one at a time and waits for each echo (bounded in count and time). The
 * client measures requests/s from its first send to its last echo.
 *
 * The TypeScript server is the lesson's loop (epoll_wait_async, which waits
 * on a worker thread so the cell's event loop keeps running), without its
 * per-event logging; a second variant waits with the blocking epoll_wait.
 */
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { benchMain, envInt, executeOk, fmt, freePort, median, printTable, ratio, run, runOk, startKernel, summary, tempDir } from './support/common';

const MAX_SECONDS = 10;

/** The lesson's echo server as a cell: one client, port given, bounded by MAX_SECONDS. */
function serverCell(port: number, wait: 'async' | 'sync'): string {
  const waitCall =
    wait === 'async'
      ? 'await libc.epoll_wait_async(ep, ready, 16, Math.max(0, deadline - Date.now()))'
      : 'libc.epoll_wait(ep, ready, 16, Math.max(0, deadline - Date.now()))';
  return `{
const listener = libc.socket(libc.AF_INET, libc.SOCK_STREAM | libc.SOCK_NONBLOCK | libc.SOCK_CLOEXEC);
libc.setsockopt(listener, libc.SOL_SOCKET, libc.SO_REUSEADDR, 1);
libc.bind(listener, libc.sockaddr('127.0.0.1:${port}'));
libc.listen(listener);
const ep = libc.epoll_create1(libc.EPOLL_CLOEXEC);
libc.epoll_ctl(ep, libc.EPOLL_CTL_ADD, listener, { events: libc.EPOLLIN, data: { fd: listener } });
const unlessEAGAIN = <T,>(f: () => T): T | null => {
  try {
    return f();
  } catch (error) {
    if (error instanceof libc.SyscallError && error.code === 'EAGAIN') return null;
    throw error;
  }
};
const open = new Set<number>();
let served = 0;
let echoed = 0;
const ready: Parameters<typeof libc.epoll_wait>[1] = [];
const deadline = Date.now() + ${MAX_SECONDS * 1000};
while (served < 1 && Date.now() < deadline) {
  const count = ${waitCall};
  for (const { data } of ready.slice(0, count)) {
    if (data.fd === listener) {
      let connection: number | null;
      while ((connection = unlessEAGAIN(() => libc.accept4(listener, null, libc.SOCK_NONBLOCK | libc.SOCK_CLOEXEC))) !== null) {
        libc.setsockopt(connection, libc.IPPROTO_TCP, libc.TCP_NODELAY, 1);
        libc.epoll_ctl(ep, libc.EPOLL_CTL_ADD, connection, { events: libc.EPOLLIN | libc.EPOLLRDHUP, data: { fd: connection } });
        open.add(connection);
      }
      continue;
    }
    const text = unlessEAGAIN(() => libc.readString(data.fd)) ?? '';
    if (text !== '') {
      libc.writeString(data.fd, text);
      echoed += text.length;
    } else {
      libc.epoll_ctl(ep, libc.EPOLL_CTL_DEL, data.fd);
      libc.close(data.fd);
      open.delete(data.fd);
      served += 1;
    }
  }
}
for (const fd of open) libc.close(fd);
libc.close(listener);
libc.close(ep);
console.log(\`served \${served} clients, echoed \${echoed} bytes\`);
}`;
}

function parseRate(out: string): number {
  const match = /requests (\d+) seconds ([\d.]+) rate ([\d.]+)/.exec(out);
  if (!match) throw new Error(`echo client said: ${out}`);
  return Number(match[3]);
}

async function main(): Promise<void> {
  const rounds = envInt('ROUNDS', 20);
  const count = envInt('ECHO_COUNT', 2000);
  const warmup = 2;
  const { dir } = tempDir();
  const cDir = path.join(projectRoot, 'bench', 'c');
  const client = path.join(dir, 'echo_client');
  const server = path.join(dir, 'echo_server');
  await runOk('gcc', ['-O2', '-Wall', path.join(cDir, 'echo_client.c'), '-o', client]);
  await runOk('gcc', ['-O2', '-Wall', path.join(cDir, 'echo_server.c'), '-o', server]);
  const kernel = await startKernel();
  const rates = { c: [] as number[], async: [] as number[], sync: [] as number[] };
  const clientRun = (port: number) => runOk(client, [String(port), String(count), String(MAX_SECONDS)], { timeoutMs: (MAX_SECONDS + 15) * 1000 });
  try {
    await executeOk(kernel.client, 'libc.getpid()'); // starts the executor
    for (let i = 0; i < warmup + rounds; i++) {
      const measured = i >= warmup;
      for (const wait of ['async', 'sync'] as const) {
        const port = await freePort();
        const cell = executeOk(kernel.client, serverCell(port, wait), (MAX_SECONDS + 30) * 1000);
        const out = await clientRun(port).catch(async (error: unknown) => {
          await cell.catch(() => undefined);
          throw error;
        });
        const text = await cell;
        if (!text.includes('served 1 clients')) throw new Error(`TypeScript server said: ${text}`);
        if (measured) rates[wait].push(parseRate(out));
      }
      const port = await freePort();
      const cServer = run(server, [String(port), '1', String(MAX_SECONDS)], { timeoutMs: (MAX_SECONDS + 15) * 1000 });
      const out = await clientRun(port);
      const served = await cServer;
      if (served.code !== 0) throw new Error(`C server: ${served.stdout} ${served.stderr}`);
      if (measured) rates.c.push(parseRate(out));
    }
  } finally {
    await kernel.close();
  }
  const [c, a, s] = [median(rates.c), median(rates.async), median(rates.sync)];
  console.log(`epoll echo server, one C client on 127.0.0.1, up to ${count} requests one at a time (≤ ${MAX_SECONDS} s), median of ${rounds} after ${warmup} warm-up, requests/s`);
  printTable(
    ['', 'median', 'min', 'max', 'C/this'],
    [
      ['TypeScript cell, epoll_wait_async (the lesson)', fmt(a), fmt(Math.min(...rates.async)), fmt(Math.max(...rates.async)), ratio(c, a)],
      ['TypeScript cell, blocking epoll_wait', fmt(s), fmt(Math.min(...rates.sync)), fmt(Math.max(...rates.sync)), ratio(c, s)],
      ['C server (bench/c/echo_server.c)', fmt(c), fmt(Math.min(...rates.c)), fmt(Math.max(...rates.c)), ''],
    ],
  );
  summary({
    benchmark: 'epoll echo server (lesson, epoll_wait_async) in a TypeScript cell vs C, requests/s, median',
    sockbook: `${fmt(a, 'req/s')} (blocking epoll_wait: ${fmt(s, 'req/s')})`,
    peer: `C server ${fmt(c, 'req/s')}`,
    ratio: `${ratio(a, c)} of C's rate (blocking: ${ratio(s, c)})`,
  });
}

benchMain(main);
