/**
 * What the debugger costs a kernel nobody debugs, and one that has it
 * switched on: a small cell's round trip with the debugger never started,
 * started (initialize + attach, as JupyterLab's bug icon does, no
 * breakpoints) and after disconnect; and the kernel process's RSS before
 * and after it was started. The peer is ipykernel 7.4 with debugpy (the
 * pinned environment in build/jupyter), driven by the same requests.
 * Kernels are interleaved, so both see the same machine load.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import type { KernelClient } from '../test/support/kernel-client';
import { benchMain, envInt, fmt, median, printTable, ratio, startKernel, summary, timed } from './support/common';

const PINNED_PYTHON = path.join(projectRoot, 'build', 'jupyter', 'bin', 'python');
const IPYKERNEL_PINNED = [PINNED_PYTHON, '-m', 'ipykernel_launcher', '-f', '{connection_file}'];

interface Sample {
  idleMs: number[];
  startedMs: number[];
  afterMs: number[];
  rssBeforeKb: number;
  rssStartedKb: number;
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

let seq = 0;
async function debug(client: KernelClient, command: string, args: Record<string, unknown> = {}): Promise<void> {
  const reply = await client.request('control', 'debug_request', { type: 'request', seq: ++seq, command, arguments: args } as never, 30000);
  if (!(reply.content as { success?: boolean }).success) throw new Error(`${command} failed: ${JSON.stringify(reply.content)}`);
}

async function measure(argv: string[] | undefined, cell: string, rounds: number): Promise<Sample> {
  const kernel = await startKernel({ argv });
  const { client } = kernel;
  const run = async (into: number[]) => {
    for (let i = 0; i < rounds; i++) {
      into.push(await timed(() => client.execute(cell)));
      if (i % 20 === 19) client.iopubMessages.length = 0;
    }
  };
  try {
    for (let i = 0; i < 5; i++) await client.execute(cell); // warm-up (sockbook starts its executor on first use)
    const sample: Sample = { idleMs: [], startedMs: [], afterMs: [], rssBeforeKb: rssKb(kernel.pid), rssStartedKb: 0 };
    await run(sample.idleMs);
    await debug(client, 'initialize', { clientID: 'jupyterlab', adapterID: 'bench', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    await debug(client, 'attach', {});
    await debug(client, 'configurationDone', {});
    await run(sample.startedMs);
    sample.rssStartedKb = rssKb(kernel.pid);
    await debug(client, 'disconnect', { restart: false, terminateDebuggee: false });
    await run(sample.afterMs);
    return sample;
  } finally {
    await kernel.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(PINNED_PYTHON)) throw new Error(`${PINNED_PYTHON} is missing: run test/setup/ensure-jupyter-env.js first`);
  const rounds = envInt('ROUNDS', 30);
  const trials = envInt('TRIALS', 2);
  const ours: Sample[] = [];
  const peer: Sample[] = [];
  for (let t = 0; t < trials; t++) {
    ours.push(await measure(undefined, 'const y: number = 6 * 7; y', rounds));
    peer.push(await measure(IPYKERNEL_PINNED, 'y = 6 * 7; y', rounds));
  }
  const pick = (samples: Sample[], key: 'idleMs' | 'startedMs' | 'afterMs') => median(samples.flatMap((s) => s[key]));
  const rows: [string, number, number][] = [
    ['cell, debugger never started', pick(ours, 'idleMs'), pick(peer, 'idleMs')],
    ['cell, debugger started (no breakpoint)', pick(ours, 'startedMs'), pick(peer, 'startedMs')],
    ['cell, after disconnect', pick(ours, 'afterMs'), pick(peer, 'afterMs')],
  ];
  console.log(`a small cell's round trip, median of ${rounds * trials} (${trials} kernels × ${rounds}), in ms`);
  printTable(['', 'sockbook', 'ipykernel 7.4', 'ipykernel/sockbook'], rows.map(([name, a, b]) => [name, fmt(a), fmt(b), ratio(b, a)]));
  const rss = (samples: Sample[], key: 'rssBeforeKb' | 'rssStartedKb') => median(samples.map((s) => s[key])) / 1024;
  console.log('the kernel process’s RSS (the executor and debugpy’s adapter are other processes), in MiB');
  printTable(
    ['', 'sockbook', 'ipykernel 7.4'],
    [
      ['before the debugger', fmt(rss(ours, 'rssBeforeKb')), fmt(rss(peer, 'rssBeforeKb'))],
      ['debugger started', fmt(rss(ours, 'rssStartedKb')), fmt(rss(peer, 'rssStartedKb'))],
    ],
  );
  const [idle, started] = rows;
  summary({
    benchmark: 'TypeScript cell with the debugger started vs never started (median)',
    sockbook: `${fmt(started?.[1] ?? 0, 'ms')} vs ${fmt(idle?.[1] ?? 0, 'ms')}`,
    peer: `ipykernel ${fmt(started?.[2] ?? 0, 'ms')} vs ${fmt(idle?.[2] ?? 0, 'ms')}`,
    ratio: ratio(started?.[1] ?? 0, idle?.[1] ?? 0),
  });
}

benchMain(main);
