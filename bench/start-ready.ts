/**
 * Start → ready as jupyter_client sees it: KernelManager.start_kernel() +
 * KernelClient.wait_for_ready(), sockbook (installed with `sockbook install
 * --prefix` into a temp dir that JUPYTER_PATH points at) against ipykernel
 * (kernel name python3), interleaved, by the Python driver bench/py/start_ready.py
 * run with Debian's Python.
 */
import { benchMain, envInt, fmt, jupyterDirs, median, p95, printTable, PYTHON, pythonDriver, runOk, speed, summary, verdict } from './support/common';

async function main(): Promise<void> {
  const rounds = envInt('ROUNDS', 20);
  const warmup = 2;
  const { env, pidFile } = await jupyterDirs();
  const driver = pythonDriver('start_ready.py');
  const out = await runOk(PYTHON, [driver, pidFile, String(warmup), String(rounds), 'sockbook', 'python3'], { env, timeoutMs: 600000 });
  const times = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number[]>;
  const ours = times.sockbook;
  const peer = times.python3;
  const a = median(ours);
  const b = median(peer);
  console.log(`start_kernel + wait_for_ready (jupyter_client), ${rounds} runs each after ${warmup} warm-up, interleaved, in ms`);
  printTable(
    ['', 'median', 'p95', 'min'],
    [
      ['sockbook', fmt(a), fmt(p95(ours)), fmt(Math.min(...ours))],
      ['ipykernel', fmt(b), fmt(p95(peer)), fmt(Math.min(...peer))],
    ],
  );
  console.log(`  sockbook is ${speed(a, b)} (target: ≥ 3x faster)`);
  summary({
    benchmark: 'start → ready (start_kernel + wait_for_ready), median',
    sockbook: fmt(a, 'ms'),
    peer: `ipykernel ${fmt(b, 'ms')}`,
    ratio: speed(a, b),
    target: '≥ 3x faster',
    status: verdict(b / a, '>=', 3),
  });
}

benchMain(main);
