/**
 * Memory footprint of one kernel: total PSS of its process tree (the kernel
 * pid and all its descendants, Pss from /proc/PID/smaps_rollup), idle right
 * after kernel_info, and after one small cell in the kernel's language
 * (sockbook: the TypeScript `const x = 1 + 1; x`, which starts the executor;
 * ipykernel: the Python `x = 1 + 1; x`), and again after a completion and a
 * second cell (sockbook's completion of a member of the cell's value waits for its type checker, so this is
 * the tree with the checker loaded; ipykernel's loads jedi). A fresh kernel per run; in each run
 * one sockbook and one ipykernel are measured side by side (a Node and a Python
 * process share next to no pages, so neither changes the other's PSS).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { benchMain, envInt, executeOk, fmt, IPYKERNEL, median, mib, printTable, processTree, ratio, startKernel, summary, treePssKb, verdict } from './support/common';

const SETTLE_MS = 200;

interface Footprint {
  idleKb: number;
  afterKb: number;
  idleProcs: number;
  afterProcs: number;
  loadedKb: number;
}

async function measure(argv: string[] | undefined, cell: string, partial: string, second: string): Promise<Footprint> {
  const kernel = await startKernel({ argv });
  try {
    await sleep(SETTLE_MS);
    const idleKb = treePssKb(kernel.pid);
    const idleProcs = processTree(kernel.pid).length;
    await executeOk(kernel.client, cell);
    await sleep(SETTLE_MS);
    const afterKb = treePssKb(kernel.pid);
    const afterProcs = processTree(kernel.pid).length;
    const completion = await kernel.client.request('shell', 'complete_request', { code: partial, cursor_pos: partial.length }, 120000);
    if (completion.content.status !== 'ok') throw new Error(`completion failed: ${JSON.stringify(completion.content)}`);
    await executeOk(kernel.client, second);
    await sleep(SETTLE_MS);
    return { idleKb, afterKb, idleProcs, afterProcs, loadedKb: treePssKb(kernel.pid) };
  } finally {
    await kernel.close();
  }
}

async function main(): Promise<void> {
  const rounds = envInt('ROUNDS', 20);
  const warmup = 1;
  const ours: Footprint[] = [];
  const peer: Footprint[] = [];
  for (let i = 0; i < warmup + rounds; i++) {
    const [a, b] = await Promise.all([measure(undefined, 'const x = 1 + 1; x', 'x.toFi', 'const y = x * 2; y'),
      measure(IPYKERNEL, 'x = 1 + 1; x', 'import math; math.fl', 'y = x * 2; y'),]);
    if (i >= warmup) {
      ours.push(a);
      peer.push(b);
    }
  }
  const m = (list: Footprint[], key: keyof Footprint) => median(list.map((f) => f[key]));
  console.log(`total PSS of the kernel's process tree, median of ${rounds} fresh kernels after ${warmup} warm-up (${SETTLE_MS} ms settle before each reading)`);
  printTable(
    ['', 'idle', 'processes', 'after one cell', 'processes', 'after a completion and a second cell'],
    [
      ['sockbook (TypeScript cells)', fmt(mib(m(ours, 'idleKb')), 'MiB'), String(m(ours, 'idleProcs')), fmt(mib(m(ours, 'afterKb')), 'MiB'), String(m(ours, 'afterProcs')), fmt(mib(m(ours, 'loadedKb')), 'MiB')],
      ['ipykernel (Python cells)', fmt(mib(m(peer, 'idleKb')), 'MiB'), String(m(peer, 'idleProcs')), fmt(mib(m(peer, 'afterKb')), 'MiB'), String(m(peer, 'afterProcs')), fmt(mib(m(peer, 'loadedKb')), 'MiB')],
    ],
  );
  const idle = m(ours, 'idleKb') / m(peer, 'idleKb');
  const after = m(ours, 'afterKb') / m(peer, 'afterKb');
  const loaded = m(ours, 'loadedKb') / m(peer, 'loadedKb');
  console.log(`  sockbook/ipykernel: idle ${idle.toFixed(2)}x (target ≤ 1x), after the cell ${after.toFixed(2)}x, after the completion and second cell ${loaded.toFixed(2)}x (target ≤ 2x)`);
  const readings: Array<[keyof Footprint, string, string, number, string]> = [
    ['idleKb', 'footprint idle (tree PSS after kernel_info), median', 'ipykernel', 1, "≤ ipykernel's"],
    ['afterKb', 'footprint after a TypeScript cell (tree PSS), median', 'ipykernel (Python cell)', 2, "≤ 2x ipykernel's"],
    ['loadedKb', 'footprint after TypeScript cells and a completion (type checker loaded; tree PSS), median', 'ipykernel (Python cells and a completion)', 2, "≤ 2x ipykernel's"],
  ];
  for (const [key, benchmark, peerName, limit, target] of readings) {
    summary({
      benchmark,
      sockbook: fmt(mib(m(ours, key)), 'MiB'),
      peer: `${peerName} ${fmt(mib(m(peer, key)), 'MiB')}`,
      ratio: `${ratio(m(ours, key), m(peer, key))} of ipykernel's`,
      target,
      status: verdict(m(ours, key) / m(peer, key), '<=', limit),
    });
  }
}

benchMain(main);
