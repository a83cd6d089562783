/**
 * Memory footprint of one kernel: total PSS of its process tree (the kernel
 * pid and all its descendants, Pss from /proc/PID/smaps_rollup), and how many
 * processes it has, read
 * - idle, right after kernel_info;
 * - after a C cell (sockbook: `%%cpp hello.c` compiled and run; ipykernel:
 *   `%%writefile hello.c` and `!gcc … && ./hello`);
 * - after a small cell in the kernel's language (sockbook: the TypeScript
 *   `const x = 1 + 1; x`, which starts the executor; ipykernel: Python);
 * - after a completion and a second cell (sockbook's completion waits for its
 *   type checker, so this is the tree with the checker loaded; ipykernel's
 *   loads jedi);
 * - SETTLE_S (default 14) later, idle (sockbook's checker has ended after its
 *   10 s without a question, its spare helpers after theirs).
 * A fresh kernel per run; in each run a sockbook, an ipykernel 7.4 (the peer)
 * and Debian's ipykernel 6.17 (reference) side by side (a Node and a Python
 * process share next to no pages; the two Pythons are different builds).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { benchMain, envInt, executeOk, fmt, IPYKERNEL, IPYKERNEL_DEBIAN, loadAverage, median, mib, peerVersions, printTable, processTree, ratio, startKernel, summary, tempDir, treePssKb, verdict } from './support/common';

const SETTLE_MS = 200;
const IDLE_MS = envInt('SETTLE_S', 14) * 1000;
const SOURCE = '#include <stdio.h>\n\nint main(void) {\n    printf("hello, world\\n");\n    return 0;\n}\n';

const READINGS = ['idle', 'afterC', 'afterCell', 'loaded', 'settled'] as const;
type ReadingName = (typeof READINGS)[number];
type Footprint = Record<ReadingName, { kb: number; procs: number }>;

interface Flavour {
  label: string;
  argv: string[] | undefined;
  cCells: string[];
  cell: string;
  partial: string;
  second: string;
}

const flavours: Flavour[] = [
  {
    label: 'sockbook',
    argv: undefined,
    cCells: [`%%cpp hello.c\n%run gcc hello.c -o hello.exe\n%run ./hello.exe\n${SOURCE}`],
    cell: 'const x = 1 + 1; x',
    // A member of the cell's own value: only the type checker answers it, so it loads.
    partial: 'x.toFi',
    second: 'const y = x * 2; y',
  },
  ...[
    ['ipykernel 7.4', IPYKERNEL],
    ['ipykernel 6.17 (Debian)', IPYKERNEL_DEBIAN],
  ].map(([label, argv]) => ({
    label: label as string,
    argv: argv as string[],
    cCells: [`%%writefile hello.c\n${SOURCE}`, '!gcc hello.c -o hello && ./hello'],
    cell: 'x = 1 + 1; x',
    partial: 'import math; math.fl',
    second: 'y = x * 2; y',
  })),
];

async function measure(f: Flavour): Promise<Footprint> {
  const { dir } = tempDir();
  const kernel = await startKernel({ argv: f.argv, cwd: dir });
  const read = () => ({ kb: treePssKb(kernel.pid), procs: processTree(kernel.pid).length });
  try {
    await sleep(SETTLE_MS);
    const idle = read();
    for (const cell of f.cCells) await executeOk(kernel.client, cell);
    await sleep(SETTLE_MS);
    const afterC = read();
    await executeOk(kernel.client, f.cell);
    await sleep(SETTLE_MS);
    const afterCell = read();
    const completion = await kernel.client.request('shell', 'complete_request', { code: f.partial, cursor_pos: f.partial.length }, 120000);
    if (completion.content.status !== 'ok') throw new Error(`completion failed: ${JSON.stringify(completion.content)}`);
    await executeOk(kernel.client, f.second);
    await sleep(SETTLE_MS);
    const loaded = read();
    await sleep(IDLE_MS);
    return { idle, afterC, afterCell, loaded, settled: read() };
  } finally {
    await kernel.close();
  }
}

async function main(): Promise<void> {
  const rounds = envInt('ROUNDS', 8);
  const warmup = 1;
  const results: Footprint[][] = flavours.map(() => []);
  console.log(`${peerVersions()}; load average at start ${loadAverage()}`);
  for (let i = 0; i < warmup + rounds; i++) {
    const round = await Promise.all(flavours.map(measure));
    if (i >= warmup) round.forEach((r, j) => results[j].push(r));
  }
  const m = (list: Footprint[], key: ReadingName) => median(list.map((f) => f[key].kb));
  const procs = (list: Footprint[], key: ReadingName) => median(list.map((f) => f[key].procs));
  console.log(`total PSS of the kernel's process tree (processes), median of ${rounds} fresh kernels after ${warmup} warm-up; load average at the end ${loadAverage()}`);
  printTable(
    ['', 'idle', 'after a C cell', 'after a cell in its language', 'after a completion and a second cell', `${IDLE_MS / 1000} s later`],
    flavours.map((f, j) => [f.label, ...READINGS.map((key) => `${fmt(mib(m(results[j], key)), 'MiB')} (${procs(results[j], key)})`)]),
  );
  const [ours, peer, debian] = results;
  const rows: Array<[ReadingName, string, number, string]> = [
    ['idle', 'footprint idle (tree PSS after kernel_info), median', 1, "≤ ipykernel 7.4's"],
    ['afterC', 'footprint after a %%cpp cell (tree PSS), median', 1, "≤ ipykernel 7.4's"],
    ['afterCell', 'footprint right after a TypeScript cell (tree PSS; type checker loading), median', 1.5, "≤ 1.5x ipykernel 7.4's"],
    ['loaded', 'footprint after TypeScript cells and a completion (type checker loaded; tree PSS), median', 1.5, "≤ 1.5x ipykernel 7.4's"],
    ['settled', `footprint ${IDLE_MS / 1000} s after the last TypeScript cell, idle (tree PSS), median`, 1.5, "≤ 1.5x ipykernel 7.4's"],
  ];
  for (const [key, benchmark, limit, target] of rows) {
    summary({
      benchmark,
      sockbook: `${fmt(mib(m(ours, key)), 'MiB')} (${procs(ours, key)} processes)`,
      peer: `ipykernel 7.4 ${fmt(mib(m(peer, key)), 'MiB')}; Debian's 6.17 ${fmt(mib(m(debian, key)), 'MiB')}`,
      ratio: `${ratio(m(ours, key), m(peer, key))} of ipykernel 7.4's`,
      target,
      status: verdict(m(ours, key) / m(peer, key), '<=', limit),
    });
  }
}

benchMain(main);
