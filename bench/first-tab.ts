/**
 * The first Tab and Shift-Tab of a lesson, as jupyter_client sees them, with
 * two busy loops taking both cores: complete_request and inspect_request at
 * once after ready, and after the type checker was unloaded for idleness
 * (SOCKBOOK_CHECKER_IDLE_S=2, so IDLE seconds of nothing unload it), beside
 * ipykernel 7.4 (jedi) from build/jupyter. sockbook completes `libc.` and
 * inspects `libc.epoll_wait`; ipykernel completes `import os; os.` and
 * inspects `print`. Driven by bench/py/first_tab.py, kernels interleaved.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { atCleanup, benchMain, envInt, fmt, jupyterDirs, median, printTable, pythonDriver, runOk, summary, verdict } from './support/common';

/** The pinned Jupyter environment (ipykernel 7.4, jupyter_client 8.10). */
const JUPYTER_PYTHON = path.join(projectRoot, 'build', 'jupyter', 'bin', 'python');
const CHECKER_IDLE_S = 2;
/** Seconds of nothing before the "after idle" requests: the checker loads (seconds on a busy machine), then idles out. */
const IDLE_S = envInt('IDLE_S', 12);
const TARGET_MS = 300;

const MEASURES = [
  ['complete_after_ready', 'first completion after ready'],
  ['complete_again', 'the same completion again'],
  ['inspect_after_ready', 'first inspection after ready'],
  ['complete_after_idle', `first completion after ${IDLE_S} s idle`],
  ['inspect_after_idle', `first inspection after ${IDLE_S} s idle`],
] as const;

type Measure = (typeof MEASURES)[number][0];
interface DriverOutput {
  times: Record<string, Record<Measure, number[]>>;
  answers: Record<string, Record<Measure, number>>;
}

/** Two processes spinning on the CPU until the bench ends (killed by pid). */
function busyLoops(): void {
  const loops = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  atCleanup(() => {
    for (const loop of loops) if (loop.exitCode === null) loop.kill('SIGKILL');
  });
}

async function main(): Promise<void> {
  const rounds = envInt('ROUNDS', 5);
  const warmup = 1;
  const { env, pidFile } = await jupyterDirs();
  busyLoops();
  const out = await runOk(
    JUPYTER_PYTHON,
    [pythonDriver('first_tab.py'), pidFile, String(warmup), String(rounds), String(IDLE_S), 'sockbook:libc.:libc.epoll_wait', 'python3:import os; os.:print'],
    { env: { ...env, SOCKBOOK_CHECKER_IDLE_S: String(CHECKER_IDLE_S) }, timeoutMs: 1_800_000 },
  );
  const { times, answers } = JSON.parse(out.trim().split('\n').pop() as string) as DriverOutput;
  const ours = times.sockbook;
  const peer = times.python3;
  if (!ours || !peer) throw new Error(`the driver measured no kernel: ${out}`);
  console.log(`request → reply (jupyter_client), two busy loops running, median of ${rounds} kernels after ${warmup} warm-up, in ms`);
  console.log('(answer size: matches for a completion, characters for an inspection)');
  printTable(
    ['', 'sockbook', 'answer', 'ipykernel 7.4', 'answer', 'ratio'],
    MEASURES.map(([key, label]) => [
      label,
      fmt(median(ours[key])),
      String(answers.sockbook?.[key] ?? ''),
      fmt(median(peer[key])),
      String(answers.python3?.[key] ?? ''),
      `${(median(peer[key]) / median(ours[key])).toFixed(1)}x`,
    ]),
  );
  const worst = Math.max(...['complete_after_ready', 'inspect_after_ready', 'complete_after_idle', 'inspect_after_idle'].map((k) => median(ours[k as Measure])));
  for (const [key, label] of MEASURES) {
    if (key === 'complete_again') continue;
    summary({
      benchmark: `${label} (two busy loops), median`,
      sockbook: fmt(median(ours[key]), 'ms'),
      peer: `ipykernel ${fmt(median(peer[key]), 'ms')}`,
      ratio: `${(median(peer[key]) / median(ours[key])).toFixed(1)}x`,
      target: `≤ ${TARGET_MS} ms`,
      status: verdict(median(ours[key]), '<=', TARGET_MS, 'ms'),
    });
  }
  console.log(`  slowest first answer: ${fmt(worst, 'ms')} (target ≤ ${TARGET_MS} ms)`);
}

benchMain(main);
