// A separate process that pings a kernel's heartbeat and asks kernel_info on
// control in a loop, and prints the slowest answers when its stdin closes.
// It measures what a frontend sees: the test's own process, busy with the
// big messages it receives, would add its own delays to what it measured.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as zmq from 'zeromq';
import { decodeMessage, encodeMessage, newHeader } from '../../kernel/wire/codec';
import { Signer } from '../../kernel/wire/signer';

/** Round trips of one period (ms): the slowest heartbeat and control ones, and every one of each. */
export interface LatencySample {
  beat: number;
  control: number;
  beats: number[];
  controls: number[];
}

/** What the sampler prints: the period measured, and the baseline, the same length of time before it with the kernel idle. */
export interface SampledRun {
  during: LatencySample;
  baseline: LatencySample;
}

const emptySample = (): LatencySample => ({ beat: 0, control: 0, beats: [], controls: [] });

async function main(connectionFile: string): Promise<void> {
  const info = JSON.parse(readFileSync(connectionFile, 'utf8')) as Record<string, string | number>;
  const endpoint = (port: string) => `tcp://${String(info.ip)}:${String(info[port])}`;
  const signer = new Signer(String(info.signature_scheme), String(info.key));
  const hb = new zmq.Request({ linger: 0 });
  hb.connect(endpoint('hb_port'));
  const control = new zmq.Dealer({ linger: 0 });
  control.connect(endpoint('control_port'));
  let running = true;
  process.stdin.on('end', () => (running = false));
  process.stdin.resume();
  // Ready once both sockets have answered: the parent starts the baseline only then.
  await hb.send('ping');
  await hb.receive();
  process.stdout.write('ready\n');
  let sample = emptySample();
  let baseline = emptySample();
  // Each line on stdin starts a period: the first the baseline (what came before was the connecting), the second the run.
  let lines = 0;
  process.stdin.on('data', (chunk: Buffer) => {
    for (const byte of chunk) {
      if (byte !== 0x0a) continue;
      if (++lines === 2) baseline = sample;
      sample = emptySample();
    }
  });
  const pause = () => new Promise((resolve) => setTimeout(resolve, 10));
  const beats = (async () => {
    while (running) {
      const started = Date.now();
      await hb.send('ping');
      await hb.receive();
      sample.beats.push(Date.now() - started);
      sample.beat = Math.max(sample.beat, Date.now() - started);
      await pause();
    }
  })();
  const infos = (async () => {
    while (running) {
      const started = Date.now();
      const header = newHeader('kernel_info_request', 'latency-sampler', 'test');
      await control.send(encodeMessage({ identities: [], header, parent_header: {}, metadata: {}, content: {}, buffers: [] }, signer));
      for (;;) {
        const reply = decodeMessage(await control.receive(), signer);
        if (reply.parent_header.msg_id === header.msg_id) break;
      }
      sample.controls.push(Date.now() - started);
      sample.control = Math.max(sample.control, Date.now() - started);
      await pause();
    }
  })();
  await Promise.all([beats, infos]);
  const run: SampledRun = { during: sample, baseline };
  process.stdout.write(`${JSON.stringify(run)}\n`);
  hb.close();
  control.close();
}

/** How long the baseline is sampled, with the kernel idle, before what is measured starts (ms). */
const BASELINE_MS = 1000;

/**
 * Runs `run` while a sampler process pings the kernel of `connectionFile`;
 * returns what `run` gave, the sample of that time, and the baseline: the
 * same sampler, for BASELINE_MS just before, with the kernel idle and the
 * machine as loaded as it is (the sampler is ended in any case).
 */
export async function sampleLatencyWhile<T>(connectionFile: string, run: () => Promise<T>): Promise<{ result: T; sample: LatencySample; baseline: LatencySample }> {
  const sampler = spawn(process.execPath, [__filename, connectionFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  let printed = '';
  let wake: () => void = () => undefined;
  sampler.stdout.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
    wake();
  });
  const ended = new Promise<void>((resolve) => sampler.once('close', () => resolve()));
  try {
    // Connected and answering: on a busy machine Node alone may take a second to start.
    await new Promise<void>((resolve, reject) => {
      wake = () => printed.startsWith('ready\n') && resolve();
      void ended.then(() => reject(new Error('the latency sampler ended before it was ready')));
    });
    sampler.stdin.write('baseline\n');
    await new Promise((r) => setTimeout(r, BASELINE_MS));
    sampler.stdin.write('start\n');
    const result = await run();
    sampler.stdin.end();
    await ended;
    const sampled = JSON.parse(printed.slice('ready\n'.length)) as SampledRun;
    return { result, sample: sampled.during, baseline: sampled.baseline };
  } finally {
    if (sampler.exitCode === null && sampler.signalCode === null) sampler.kill('SIGKILL');
  }
}

/** The q-quantile (0..1) of some round trips; 0 for none. */
function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * A kernel stalled in a run leaves a round trip hanging for the whole stall.
 * Scheduling alone stretches round trips on a loaded machine: on 2 cores
 * with two other busy processes the slowest round trip of a 1 MB cell was
 * up to about 400 ms (under 100 ms idle), as the load stretches the kernel's
 * own work on the 1 MB message. So a round trip past the larger of STALL_MS
 * and BASELINE_FACTOR times the slowest of the baseline (taken just before,
 * under the same load) is a stall; the shapes these tests guard against
 * stalled for seconds.
 */
export const STALL_MS = 1000;
export const BASELINE_FACTOR = 4;

/** Fails unless heartbeat and control answered during the run as a responsive kernel does, against the baseline of the same test. */
export function assertResponsive(sample: LatencySample, baseline: LatencySample, what: string): void {
  const seen = `${what}\n  baseline: ${describeLatencies(baseline)}\n  during:   ${describeLatencies(sample)}`;
  if (sample.beats.length === 0 || sample.controls.length === 0) throw new Error(`no round trip completed during the run: ${seen}`);
  const bound = Math.max(STALL_MS, BASELINE_FACTOR * Math.max(0, ...baseline.beats, ...baseline.controls));
  for (const [name, during] of [['heartbeat', sample.beats], ['control kernel_info', sample.controls]] as const) {
    const worst = Math.max(...during);
    if (worst > bound) throw new Error(`${name} took ${worst} ms, past ${bound} ms: ${seen}`);
  }
}

export function describeLatencies(sample: LatencySample): string {
  const show = (values: number[]) => `n=${values.length} median ${quantile(values, 0.5)} p90 ${quantile(values, 0.9)} max ${Math.max(0, ...values)}`;
  return `heartbeat ${show(sample.beats)}; control ${show(sample.controls)}`;
}

if (require.main === module) void main(process.argv[2]);
