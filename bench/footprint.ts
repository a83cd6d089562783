/**
 * Memory footprint of one kernel: total PSS of its process tree (the kernel
 * pid and all its descendants, Pss from /proc/PID/smaps_rollup), idle right
 * after kernel_info, and after one small cell in the kernel's language
 * (sockbook: the TypeScript `const x = 1 + 1; x`, which starts the executor;
 * ipykernel: the Python `x = 1 + 1; x`). A fresh kernel per run; in each run
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
}

async function measure(argv: string[] | undefined, cell: string): Promise<Footprint> {
  const kernel = await startKernel({ argv });
  try {
    await sleep(SETTLE_MS);
    const idleKb = treePssKb(kernel.pid);
    const idleProcs = processTree(kernel.pid).length;
    await executeOk(kernel.client, cell);
    await sleep(SETTLE_MS);
    return { idleKb, afterKb: treePssKb(kernel.pid), idleProcs, afterProcs: processTree(kernel.pid).length };
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
    const [a, b] = await Promise.all([measure(undefined, 'const x = 1 + 1; x'), measure(IPYKERNEL, 'x = 1 + 1; x')]);
    if (i >= warmup) {
      ours.push(a);
      peer.push(b);
    }
  }
  const m = (list: Footprint[], key: keyof Footprint) => median(list.map((f) => f[key]));
  console.log(`total PSS of the kernel's process tree, median of ${rounds} fresh kernels after ${warmup} warm-up (${SETTLE_MS} ms settle before each reading)`);
  printTable(
    ['', 'idle', 'processes', 'after one cell', 'processes'],
    [
      ['sockbook (TypeScript cell)', fmt(mib(m(ours, 'idleKb')), 'MiB'), String(m(ours, 'idleProcs')), fmt(mib(m(ours, 'afterKb')), 'MiB'), String(m(ours, 'afterProcs'))],
      ['ipykernel (Python cell)', fmt(mib(m(peer, 'idleKb')), 'MiB'), String(m(peer, 'idleProcs')), fmt(mib(m(peer, 'afterKb')), 'MiB'), String(m(peer, 'afterProcs'))],
    ],
  );
  const idle = m(ours, 'idleKb') / m(peer, 'idleKb');
  const after = m(ours, 'afterKb') / m(peer, 'afterKb');
  console.log(`  sockbook/ipykernel: idle ${idle.toFixed(2)}x (target ≤ 1x), after the cell ${after.toFixed(2)}x (target ≤ 2x)`);
  summary({
    benchmark: 'footprint idle (tree PSS after kernel_info), median',
    sockbook: fmt(mib(m(ours, 'idleKb')), 'MiB'),
    peer: `ipykernel ${fmt(mib(m(peer, 'idleKb')), 'MiB')}`,
    ratio: `${ratio(m(ours, 'idleKb'), m(peer, 'idleKb'))} of ipykernel's`,
    target: "≤ ipykernel's",
    status: verdict(idle, '<=', 1),
  });
  summary({
    benchmark: 'footprint after a TypeScript cell (tree PSS), median',
    sockbook: fmt(mib(m(ours, 'afterKb')), 'MiB'),
    peer: `ipykernel (Python cell) ${fmt(mib(m(peer, 'afterKb')), 'MiB')}`,
    ratio: `${ratio(m(ours, 'afterKb'), m(peer, 'afterKb'))} of ipykernel's`,
    target: "≤ 2x ipykernel's",
    status: verdict(after, '<=', 2),
  });
}

benchMain(main);
