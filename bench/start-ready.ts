/**
 * Start → ready as jupyter_client sees it: KernelManager.start_kernel() +
 * KernelClient.wait_for_ready(), sockbook (installed with `sockbook install
 * --prefix` into a temp dir that JUPYTER_PATH points at) against ipykernel 7.4
 * (the peer) and Debian's ipykernel 6.17 (for reference), interleaved, by the
 * Python driver bench/py/start_ready.py run with the pinned environment's
 * Python (jupyter_client 8).
 */
import { benchMain, DEBIAN_KERNEL, envInt, fmt, jupyterDirs, loadAverage, median, p95, PEER_KERNEL, peerVersions, printTable, PYTHON, pythonDriver, runOk, speed, summary, verdict } from './support/common';

async function main(): Promise<void> {
  const rounds = envInt('ROUNDS', 20);
  const warmup = 2;
  const { env, pidFile } = await jupyterDirs();
  const driver = pythonDriver('start_ready.py');
  console.log(`${peerVersions()}; load average at start ${loadAverage()}`);
  const out = await runOk(PYTHON, [driver, pidFile, String(warmup), String(rounds), 'sockbook', PEER_KERNEL, DEBIAN_KERNEL], { env, timeoutMs: 900000 });
  const times = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number[]>;
  const ours = times.sockbook;
  const peer = times[PEER_KERNEL];
  const debian = times[DEBIAN_KERNEL];
  const a = median(ours);
  const b = median(peer);
  console.log(`start_kernel + wait_for_ready (jupyter_client), ${rounds} runs each after ${warmup} warm-up, interleaved, in ms; load average at the end ${loadAverage()}`);
  printTable(
    ['', 'median', 'p95', 'min'],
    [
      ['sockbook', fmt(a), fmt(p95(ours)), fmt(Math.min(...ours))],
      ['ipykernel 7.4', fmt(b), fmt(p95(peer)), fmt(Math.min(...peer))],
      ['ipykernel 6.17 (Debian)', fmt(median(debian)), fmt(p95(debian)), fmt(Math.min(...debian))],
    ],
  );
  console.log(`  sockbook is ${speed(a, b)} than ipykernel 7.4 (target: ≥ 3x faster), ${speed(a, median(debian))} than Debian's`);
  summary({
    benchmark: 'start → ready (start_kernel + wait_for_ready), median',
    sockbook: fmt(a, 'ms'),
    peer: `ipykernel 7.4 ${fmt(b, 'ms')}; Debian's 6.17 ${fmt(median(debian), 'ms')}`,
    ratio: `${speed(a, b)} (Debian's: ${speed(a, median(debian))})`,
    target: '≥ 3x faster',
    status: verdict(b / a, '>=', 3),
  });
}

benchMain(main);
