/**
 * Start → ready as jupyter_client sees it: KernelManager.start_kernel() +
 * KernelClient.wait_for_ready(), sockbook (installed with `sockbook install
 * --prefix` into a temp dir that JUPYTER_PATH points at) against ipykernel
 * (kernel name python3), interleaved, by the Python driver bench/py/start_ready.py
 * run with Debian's Python.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { atCleanup, benchMain, envInt, fmt, killSurvivors, median, p95, printTable, processTree, PYTHON, runOk, speed, summary, tempDir, verdict } from './support/common';

async function main(): Promise<void> {
  const rounds = envInt('ROUNDS', 20);
  const warmup = 2;
  const { dir } = tempDir('sockbook-bench-jupyter-');
  await runOk(process.execPath, [path.join(projectRoot, 'bin', 'sockbook.js'), 'install', '--prefix', dir]);
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(dir, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: path.join(dir, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    PYTHONDONTWRITEBYTECODE: '1',
  };
  const pidFile = path.join(dir, 'kernel-pids');
  // Kernels whose connection file is in our runtime dir and still run after the driver: killed by pid.
  atCleanup(() => {
    if (!existsSync(pidFile)) return;
    for (const pid of readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number)) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue; // ended
      }
      if (cmdline.includes(env.JUPYTER_RUNTIME_DIR)) killSurvivors(processTree(pid));
    }
  });
  const driver = path.join(projectRoot, 'bench', 'py', 'start_ready.py');
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
