/**
 * A 100 MB output flood: a shell pipeline printing 100,000,000 'x' in lines of
 * 100 (101,000,000 bytes with the newlines), run by sockbook as a `%%bash`
 * cell and by ipykernel as a `!` line. Measured from the client: the stream
 * bytes that arrived, the time, and the peak total RSS of the kernel's process
 * tree (sampled every 25 ms).
 *
 * What is compared: sockbook passes on the first 1 MiB of a command's output
 * and keeps the rest in a file (under the TMPDIR given to the kernel, here a
 * temp dir of the bench), ipykernel sends all of it to the client. sockbook's
 * drain rate is the bytes the command produced divided by the cell's time (how
 * fast the kernel takes the flood off the program). ipykernel forwards about
 * 0.1 MB/s, so 100 MB would take a quarter of an hour: its run is cut after
 * FLOOD_WINDOW_S seconds (default 8) by an interrupt, and its rate is the
 * bytes that reached the client in that window divided by the window.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '../kernel/wire/message';
import { benchMain, envInt, fmt, IPYKERNEL, median, mib, PeakRss, printTable, ratio, startKernel, summary, tempDir } from './support/common';
import type { KernelClient } from '../test/support/kernel-client';

const PIPELINE = "head -c 100000000 /dev/zero | tr '\\0' x | fold -w 100";
const PRODUCED = 101_000_000;

interface Flood {
  ms: number;
  receivedBytes: number;
  peakRssKb: number;
  finished: boolean;
}

/**
 * Runs code and counts stream bytes as they arrive, dropping the messages
 * (keeping 100 MB of them would measure the client). After windowMs the
 * kernel gets SIGINT and the run counts as cut.
 */
async function flood(client: KernelClient, pid: number, code: string, windowMs: number): Promise<Flood> {
  const { frames, msgId } = client.message('execute_request', { code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  let receivedBytes = 0;
  let idle = false;
  const take = (m: Message) => {
    if (m.parent_header.msg_id !== msgId) return;
    if (m.header.msg_type === 'stream') receivedBytes += Buffer.byteLength(String(m.content.text));
    if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') idle = true;
  };
  const drain = () => {
    for (const m of client.iopubMessages.splice(0)) take(m);
    return idle;
  };
  const sampler = new PeakRss(pid);
  const t0 = process.hrtime.bigint();
  try {
    const replied = client.reply(msgId, windowMs + 60000).catch((error: unknown) => error as Error);
    await client.sendFrames('shell', frames);
    const finished = await client.waitFor(drain, windowMs).then(
      () => true,
      () => false,
    );
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const bytes = receivedBytes;
    const peakRssKb = sampler.stop();
    if (!finished) {
      process.kill(pid, 'SIGINT');
      // Let it stop; close() kills it anyway if it does not.
      await client.waitFor(drain, 20000).catch(() => undefined);
      await sleep(100);
    } else {
      const reply = await replied;
      if (reply instanceof Error || reply.content.status !== 'ok') throw new Error(`flood cell failed: ${String(reply instanceof Error ? reply : JSON.stringify(reply.content))}`);
    }
    return { ms, receivedBytes: bytes, peakRssKb, finished };
  } finally {
    sampler.stop();
  }
}

async function main(): Promise<void> {
  const rounds = envInt('FLOOD_ROUNDS', 5);
  const windowMs = envInt('FLOOD_WINDOW_S', 8) * 1000;
  const warmup = 1;
  const { dir } = tempDir();
  const cells = { sockbook: `%%bash\n${PIPELINE}`, ipykernel: `!${PIPELINE}` };
  const results: Record<keyof typeof cells, Flood[]> = { sockbook: [], ipykernel: [] };
  for (let i = 0; i < warmup + rounds; i++) {
    // A fresh kernel per run, so that each peak starts from the same idle kernel.
    for (const name of ['sockbook', 'ipykernel'] as const) {
      const kernel = await startKernel(name === 'ipykernel' ? { argv: IPYKERNEL } : { env: { TMPDIR: dir } });
      try {
        const result = await flood(kernel.client, kernel.pid, cells[name], name === 'ipykernel' ? windowMs : 300000);
        if (name === 'sockbook' && !result.finished) throw new Error('sockbook did not finish the flood within 300 s');
        if (i >= warmup) results[name].push(result);
      } finally {
        await kernel.close();
      }
    }
  }
  const row = (name: keyof typeof cells) => {
    const r = results[name];
    const rate = (x: Flood) => (x.finished ? PRODUCED : x.receivedBytes) / 1e6 / (x.ms / 1000);
    return {
      ms: median(r.map((x) => x.ms)),
      rate: median(r.map(rate)),
      received: median(r.map((x) => x.receivedBytes)),
      clientRate: median(r.map((x) => x.receivedBytes / 1e6 / (x.ms / 1000))),
      peak: median(r.map((x) => x.peakRssKb)),
      cut: r.filter((x) => !x.finished).length,
    };
  };
  const a = row('sockbook');
  const b = row('ipykernel');
  console.log(`100 MB flood (${PIPELINE}), median of ${rounds} runs after ${warmup} warm-up, a fresh kernel each run`);
  console.log('  sockbook passes 1 MiB per command to the client and keeps the rest in a file; its drain rate = 101 MB produced / cell time');
  console.log(`  ipykernel sends everything; ${b.cut} of ${rounds} runs were cut by SIGINT after ${windowMs / 1000} s; its drain rate = bytes that reached the client / time`);
  printTable(
    ['', 'time', 'drain rate', 'bytes to the client', 'client-side rate', 'peak tree RSS'],
    [a, b].map((r, i) => [
      i === 0 ? 'sockbook %%bash' : 'ipykernel !',
      fmt(r.ms, 'ms'),
      fmt(r.rate, 'MB/s'),
      fmt(r.received / 1e6, 'MB'),
      fmt(r.clientRate, 'MB/s'),
      fmt(mib(r.peak), 'MiB'),
    ]),
  );
  console.log(`  drain rate sockbook/ipykernel ${ratio(a.rate, b.rate)}; peak RSS sockbook/ipykernel ${ratio(a.peak, b.peak)}`);
  summary({
    benchmark: `100 MB output flood, drain rate, median of ${rounds}`,
    sockbook: `${fmt(a.rate, 'MB/s')} (all 101 MB in ${fmt(a.ms / 1000, 's')}; ${fmt(a.received / 1e6, 'MB')} to the client)`,
    peer: `ipykernel ${fmt(b.rate, 'MB/s')} (${b.cut ? `cut after ${windowMs / 1000} s, ` : ''}${fmt(b.received / 1e6, 'MB')} to the client)`,
    ratio: `${ratio(a.rate, b.rate)} ipykernel's rate`,
  });
  summary({
    benchmark: '100 MB output flood, peak RSS of the kernel tree, median',
    sockbook: fmt(mib(a.peak), 'MiB'),
    peer: `ipykernel ${fmt(mib(b.peak), 'MiB')}`,
    ratio: `${ratio(a.peak, b.peak)} of ipykernel's`,
  });
}

benchMain(main);
