/**
 * Round trip of small execute_requests (request → reply → idle) and kernel
 * start-up (spawn → first kernel_info_reply), sockbook against ipykernel,
 * measured in the same run over the same client. Prints medians and ratios.
 */
import { KernelClient } from '../test/support/kernel-client';

const IPYKERNEL = ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '{connection_file}'];

interface Sample {
  startupMs: number;
  executeMs: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function measure(argv: string[] | undefined, code: string, rounds: number): Promise<Sample> {
  const kernel = await KernelClient.start({ argv });
  const startupMs = kernel.firstReplyMs;
  try {
    await kernel.execute(code); // warm-up (sockbook starts its executor on first use)
    const executeMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = process.hrtime.bigint();
      await kernel.execute(code);
      executeMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return { startupMs, executeMs };
  } finally {
    await kernel.close();
  }
}

async function main(): Promise<void> {
  const rounds = Number(process.env.ROUNDS ?? 200);
  const trials = Number(process.env.TRIALS ?? 3);
  const ours: Sample[] = [];
  const peer: Sample[] = [];
  for (let t = 0; t < trials; t++) {
    // Interleaved, so both see the same machine load.
    ours.push(await measure(undefined, '1 + 1', rounds));
    peer.push(await measure(IPYKERNEL, '1 + 1', rounds));
  }
  const row = (name: string, samples: Sample[]) => ({
    name,
    startup: median(samples.map((s) => s.startupMs)),
    execute: median(samples.flatMap((s) => s.executeMs)),
  });
  const a = row('sockbook', ours);
  const b = row('ipykernel', peer);
  console.log(`execute round trip, median of ${rounds * trials} ('1 + 1'), and start-up to first kernel_info_reply, median of ${trials}`);
  for (const r of [a, b]) console.log(`  ${r.name.padEnd(10)} execute ${r.execute.toFixed(2)} ms   start-up ${r.startup.toFixed(0)} ms`);
  console.log(`  ratio ipykernel/sockbook: execute ${(b.execute / a.execute).toFixed(2)}x, start-up ${(b.startup / a.startup).toFixed(2)}x`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
