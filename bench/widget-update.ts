/**
 * A slider dragged in the frontend, sockbook against ipykernel 7.4 with
 * ipywidgets 8.1.9 (the pinned Jupyter environment) in the same run over the
 * same client: each round sends the `update` a frontend sends for a new value
 * and waits for the kernel's idle after it (the echo_update and the observer's
 * work are done by then); and a value set in a cell (`s.value = n`, execute
 * → idle, the `update` to the frontend included). The observer appends the
 * value to a list in both kernels. Kernels are interleaved, so both see the
 * same machine load.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { encodeMessage, newHeader } from '../kernel/wire/codec';
import { benchMain, envInt, fmt, median, printTable, ratio, speed, startKernel, summary, timed } from './support/common';
import type { KernelClient } from '../test/support/kernel-client';

const JUPYTER_PYTHON = path.join(projectRoot, 'build', 'jupyter', 'bin', 'python');

interface Sample {
  updateMs: number[];
  setMs: number[];
}

const MAKE = {
  sockbook: 'const seen: number[] = []; const s = widgets.IntSlider({ max: 1000000 }); s.observe((c) => { seen.push(c.new); }); s',
  ipykernel: "import ipywidgets as w; seen = []; s = w.IntSlider(max=1000000); s.observe(lambda c: seen.append(c['new']), names='value'); s",
};

async function frontendUpdate(client: KernelClient, commId: string, value: number): Promise<void> {
  const header = newHeader('comm_msg', client.session, 'bench');
  const content = { comm_id: commId, data: { method: 'update', state: { value }, buffer_paths: [] } };
  await client.sendFrames('shell', encodeMessage({ identities: [], header, parent_header: {}, metadata: {}, content, buffers: [] }, client.signer));
  await client.waitIdle(header.msg_id);
}

async function measure(kind: 'sockbook' | 'ipykernel', rounds: number): Promise<Sample> {
  const kernel = await startKernel(kind === 'ipykernel' ? { argv: [JUPYTER_PYTHON, '-m', 'ipykernel_launcher', '-f', '{connection_file}'] } : {});
  const { client } = kernel;
  try {
    const made = await client.execute(MAKE[kind]);
    const opens = made.outputs.filter((m) => m.header.msg_type === 'comm_open');
    if (made.reply.content.status !== 'ok' || opens.length === 0) throw new Error(`${kind} made no widget: ${JSON.stringify(made.outputs.map((m) => m.content))}`);
    const commId = String(opens[opens.length - 1].content.comm_id);
    for (let i = 1; i <= 5; i++) await frontendUpdate(client, commId, i); // warm-up
    const sample: Sample = { updateMs: [], setMs: [] };
    for (let i = 0; i < rounds; i++) {
      sample.updateMs.push(await timed(() => frontendUpdate(client, commId, 100 + i)));
      sample.setMs.push(await timed(() => client.execute(`s.value = ${200000 + i}`)));
      if (i % 20 === 19) client.iopubMessages.length = 0;
    }
    const check = await client.execute(kind === 'sockbook' ? 'seen.length' : 'len(seen)');
    const count = Number((check.outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data as Record<string, string>)['text/plain']);
    if (count !== 5 + 2 * rounds) throw new Error(`${kind}'s observer saw ${count} changes, not ${5 + 2 * rounds}`);
    return sample;
  } finally {
    await kernel.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(JUPYTER_PYTHON)) throw new Error(`the pinned Jupyter environment is missing (${JUPYTER_PYTHON}): run node test/setup/ensure-jupyter-env.js`);
  const rounds = envInt('ROUNDS', 100);
  const trials = envInt('TRIALS', 2);
  const ours: Sample[] = [];
  const peer: Sample[] = [];
  for (let t = 0; t < trials; t++) {
    ours.push(await measure('sockbook', rounds));
    peer.push(await measure('ipykernel', rounds));
  }
  const pick = (samples: Sample[], key: keyof Sample) => median(samples.flatMap((s) => s[key]));
  const rows: [string, number, number][] = [
    ["frontend's slider update → echo, observer → idle", pick(ours, 'updateMs'), pick(peer, 'updateMs')],
    ['cell sets .value → update sent → idle', pick(ours, 'setMs'), pick(peer, 'setMs')],
  ];
  console.log(`widget round trips, median of ${rounds * trials} (${trials} kernels × ${rounds}, after 5 warm-up updates), in ms`);
  printTable(
    ['', 'sockbook', 'ipykernel', 'ipykernel/sockbook'],
    rows.map(([name, a, b]) => [name, fmt(a), fmt(b), ratio(b, a)]),
  );
  for (const [name, a, b] of rows) summary({ benchmark: `${name} (median)`, sockbook: fmt(a, 'ms'), peer: `ipykernel + ipywidgets ${fmt(b, 'ms')}`, ratio: speed(a, b) });
}

benchMain(main);
