// A separate process that pings a kernel's heartbeat and asks kernel_info on
// control in a loop, and prints the slowest answers when its stdin closes.
// It measures what a frontend sees: the test's own process, busy with the
// big messages it receives, would add its own delays to what it measured.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as zmq from 'zeromq';
import { decodeMessage, encodeMessage, newHeader } from '../../kernel/wire/codec';
import { Signer } from '../../kernel/wire/signer';

/** What the sampler prints: the slowest heartbeat and control round trips, and every control round trip (ms). */
export interface LatencySample {
  beat: number;
  control: number;
  controls: number[];
}

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
  let sample: LatencySample = { beat: 0, control: 0, controls: [] };
  // A line on stdin: what is measured starts now (what came before was the connecting).
  process.stdin.on('data', () => (sample = { beat: 0, control: 0, controls: [] }));
  const pause = () => new Promise((resolve) => setTimeout(resolve, 10));
  const beats = (async () => {
    while (running) {
      const started = Date.now();
      await hb.send('ping');
      await hb.receive();
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
  process.stdout.write(JSON.stringify(sample));
  hb.close();
  control.close();
}

/**
 * Runs `run` while a sampler process pings the kernel of `connectionFile`;
 * returns what `run` gave and the sample (the sampler is ended in any case).
 */
export async function sampleLatencyWhile<T>(connectionFile: string, run: () => Promise<T>): Promise<{ result: T; sample: LatencySample }> {
  const sampler = spawn(process.execPath, [__filename, connectionFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  let printed = '';
  sampler.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const ended = new Promise<void>((resolve) => sampler.once('close', () => resolve()));
  try {
    await new Promise((r) => setTimeout(r, 300)); // the sampler is connected and answering
    sampler.stdin.write('start\n');
    const result = await run();
    sampler.stdin.end();
    await ended;
    return { result, sample: JSON.parse(printed) as LatencySample };
  } finally {
    if (sampler.exitCode === null && sampler.signalCode === null) sampler.kill('SIGKILL');
  }
}

if (require.main === module) void main(process.argv[2]);
