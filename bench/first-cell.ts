/**
 * What the first cell in the kernel's language costs in a fresh kernel:
 * its round trip minus a later cell's. sockbook's first TypeScript cell
 * starts the executor (Node, the transpiler, the libc bindings); its peer is
 * ipykernel's first Python cell. The TypeScript cell has a type annotation,
 * so it goes through the transpiler. One kernel at a time, sockbook and
 * ipykernel interleaved, each cell sent 700 ms after the kernel was ready
 * (after the kernel's own warm-up of its modules).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { benchMain, envInt, executeOk, fmt, IPYKERNEL, median, printTable, startKernel, summary, verdict } from './support/common';

const IDLE_BEFORE_MS = 700;

interface FirstCell {
  firstMs: number;
  laterMs: number;
}

async function measure(argv: string[] | undefined, first: string, later: string): Promise<FirstCell> {
  const kernel = await startKernel({ argv });
  try {
    await sleep(IDLE_BEFORE_MS);
    let started = performance.now();
    await executeOk(kernel.client, first);
    const firstMs = performance.now() - started;
    await sleep(200);
    started = performance.now();
    await executeOk(kernel.client, later);
    return { firstMs, laterMs: performance.now() - started };
  } finally {
    await kernel.close();
  }
}

async function main(): Promise<void> {
  const rounds = envInt('ROUNDS', 20);
  const warmup = 1;
  const ours: FirstCell[] = [];
  const peer: FirstCell[] = [];
  for (let i = 0; i < warmup + rounds; i++) {
    const a = await measure(undefined, 'const x: number = 1 + 1; x', 'const y: number = x * 2; y');
    const b = await measure(IPYKERNEL, 'x = 1 + 1; x', 'y = x * 2; y');
    if (i >= warmup) {
      ours.push(a);
      peer.push(b);
    }
  }
  const added = (list: FirstCell[]) => median(list.map((c) => c.firstMs - c.laterMs));
  const m = (list: FirstCell[], key: keyof FirstCell) => median(list.map((c) => c[key]));
  console.log(`the first cell of a fresh kernel and a later one, median of ${rounds} kernels after ${warmup} warm-up, in ms`);
  printTable(
    ['', 'first cell', 'later cell', 'first minus later'],
    [
      ['sockbook (TypeScript)', fmt(m(ours, 'firstMs')), fmt(m(ours, 'laterMs')), fmt(added(ours))],
      ['ipykernel (Python)', fmt(m(peer, 'firstMs')), fmt(m(peer, 'laterMs')), fmt(added(peer))],
    ],
  );
  console.log(`  the first TypeScript cell adds ${fmt(added(ours), 'ms')} (target ≤ 300 ms)`);
  summary({
    benchmark: 'first TypeScript cell of a fresh kernel: its round trip minus a later cell\'s, median',
    sockbook: `+${fmt(added(ours), 'ms')} (first ${fmt(m(ours, 'firstMs'), 'ms')})`,
    peer: `ipykernel's first Python cell +${fmt(added(peer), 'ms')} (first ${fmt(m(peer, 'firstMs'), 'ms')})`,
    ratio: '',
    target: '≤ 300 ms',
    status: verdict(added(ours), '<=', 300, 'ms'),
  });
}

benchMain(main);
