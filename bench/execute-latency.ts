/**
 * Round trips on a running kernel, sockbook against ipykernel in the same run
 * over the same client: a no-op execute_request (empty cell), a tiny
 * expression (`1 + 1`), each request → reply → idle on iopub, and a
 * kernel_info_request → reply. Also kernel start-up as this client sees it
 * (spawn → first kernel_info_reply). Kernels are interleaved, so both see the
 * same machine load.
 */
import { benchMain, envInt, fmt, IPYKERNEL, median, printTable, ratio, speed, startKernel, summary, timed } from './support/common';

interface Sample {
  startupMs: number;
  noopMs: number[];
  exprMs: number[];
  infoMs: number[];
}

async function measure(argv: string[] | undefined, rounds: number): Promise<Sample> {
  const kernel = await startKernel({ argv });
  const { client } = kernel;
  try {
    const sample: Sample = { startupMs: client.firstReplyMs, noopMs: [], exprMs: [], infoMs: [] };
    for (let i = 0; i < 5; i++) await client.execute('1 + 1'); // warm-up (sockbook starts its executor on first use)
    for (let i = 0; i < rounds; i++) {
      sample.noopMs.push(await timed(() => client.execute('')));
      sample.exprMs.push(await timed(() => client.execute('1 + 1')));
      sample.infoMs.push(await timed(() => client.request('shell', 'kernel_info_request', {})));
      if (i % 20 === 19) client.iopubMessages.length = 0;
    }
    return sample;
  } finally {
    await kernel.close();
  }
}

async function main(): Promise<void> {
  const rounds = envInt('ROUNDS', 40);
  const trials = envInt('TRIALS', 2);
  const ours: Sample[] = [];
  const peer: Sample[] = [];
  for (let t = 0; t < trials; t++) {
    ours.push(await measure(undefined, rounds));
    peer.push(await measure(IPYKERNEL, rounds));
  }
  const pick = (samples: Sample[], key: 'noopMs' | 'exprMs' | 'infoMs') => median(samples.flatMap((s) => s[key]));
  const rows: [string, number, number][] = [
    ['execute, empty cell', pick(ours, 'noopMs'), pick(peer, 'noopMs')],
    ["execute, '1 + 1'", pick(ours, 'exprMs'), pick(peer, 'exprMs')],
    ['kernel_info round trip', pick(ours, 'infoMs'), pick(peer, 'infoMs')],
    [`spawn → first kernel_info_reply (median of ${trials})`, median(ours.map((s) => s.startupMs)), median(peer.map((s) => s.startupMs))],
  ];
  console.log(`round trips on one kernel, median of ${rounds * trials} (${trials} kernels × ${rounds}, after 5 warm-up cells), in ms`);
  printTable(
    ['', 'sockbook', 'ipykernel', 'ipykernel/sockbook'],
    rows.map(([name, a, b]) => [name, fmt(a), fmt(b), ratio(b, a)]),
  );
  for (const [name, a, b] of rows.slice(0, 3)) {
    summary({ benchmark: `${name} (median)`, sockbook: fmt(a, 'ms'), peer: `ipykernel ${fmt(b, 'ms')}`, ratio: speed(a, b) });
  }
}

benchMain(main);
