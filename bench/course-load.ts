/**
 * A course server's load, through jupyter_client as a Jupyter server drives
 * kernels (AsyncKernelManager, the Python driver bench/py/course_load.py):
 * KERNELS (default 20) kernels started at once, each in its own directory,
 * then every kernel running a C hello world cell and a cell in its language,
 * all at the same time. sockbook runs a `%%cpp` cell and the TypeScript
 * `const x = 1 + 1; x`; ipykernel runs `%%writefile hello.c` +
 * `!gcc … && ./hello` and the Python `x = 1 + 1; x`. Reported: p50/p95 of
 * each kernel's start_kernel + wait_for_ready, the wall time until every
 * kernel finished its cells, and the total PSS of all kernel trees after the
 * cells. sockbook's 20 go first, then ipykernel's 20, after one warm-up load
 * of 2 kernels each.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { atCleanup, benchMain, envInt, fmt, jupyterDirs, JupyterDirs, median, mib, p95, printTable, PYTHON, pythonDriver, ratio, speed, summary, tempDir, treesPssKb } from './support/common';

const SOURCE = '#include <stdio.h>\n\nint main(void) {\n    printf("hello, world\\n");\n    return 0;\n}\n';

interface Load {
  readyMs: number[];
  cellsWallMs: number;
  /** Right after the cells, and again SETTLE_MS later: the type checkers have loaded, and ended again after a minute idle. */
  pssKb: number;
  settledPssKb: number;
}

const SETTLE_MS = envInt('SETTLE_S', 75) * 1000;

const flavours = {
  sockbook: [`%%cpp hello.c\n%run gcc hello.c -o hello.exe\n%run ./hello.exe\n${SOURCE}`, 'const x = 1 + 1; x'],
  python3: [`%%writefile hello.c\n${SOURCE}`, '!gcc hello.c -o hello && ./hello', 'x = 1 + 1; x'],
};

/** Runs the driver for one kernel name; reads the trees' PSS while it holds the kernels after their cells. */
function load(jupyter: JupyterDirs, name: keyof typeof flavours, count: number): Promise<Load> {
  const { dir } = tempDir();
  const cellsFile = path.join(dir, 'cells.json');
  writeFileSync(cellsFile, JSON.stringify(flavours[name]));
  return new Promise((resolve, reject) => {
    const driver = spawn(PYTHON, [pythonDriver('course_load.py'), name, String(count), dir, jupyter.pidFile, cellsFile], {
      env: jupyter.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const unregister = atCleanup(() => {
      if (driver.exitCode === null && driver.signalCode === null && driver.pid) process.kill(driver.pid, 'SIGKILL');
    });
    const timer = setTimeout(() => {
      if (driver.pid) process.kill(driver.pid, 'SIGKILL');
    }, 600000);
    let stdout = '';
    let stderr = '';
    let result: Load | null = null;
    driver.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    driver.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (result || !line || !stdout.includes('\n')) return;
      const data = JSON.parse(line) as { ready: number[]; cells_wall_ms: number; pids: number[] };
      const measured: Load = { readyMs: data.ready, cellsWallMs: data.cells_wall_ms, pssKb: treesPssKb(data.pids), settledPssKb: 0 };
      result = measured;
      setTimeout(() => {
        measured.settledPssKb = treesPssKb(data.pids);
        driver.stdin.end('done\n');
      }, SETTLE_MS);
    });
    driver.on('error', reject);
    driver.on('close', (code) => {
      clearTimeout(timer);
      void unregister();
      if (code === 0 && result) resolve(result);
      else reject(new Error(`course_load.py ${name} exited ${code}\n${stdout}\n${stderr.slice(-3000)}`));
    });
  });
}

async function main(): Promise<void> {
  const count = envInt('KERNELS', 20);
  const jupyter = await jupyterDirs();
  await load(jupyter, 'sockbook', 2); // warm-up
  await load(jupyter, 'python3', 2);
  const a = await load(jupyter, 'sockbook', count);
  const b = await load(jupyter, 'python3', count);
  console.log(`${count} kernels started at once, each running a C hello cell and a cell in its language`);
  printTable(
    ['', 'ready p50', 'ready p95', 'cells done (wall)', 'total PSS', 'PSS per kernel', `total PSS ${SETTLE_MS / 1000} s later`],
    [
      ['sockbook', fmt(median(a.readyMs), 'ms'), fmt(p95(a.readyMs), 'ms'), fmt(a.cellsWallMs, 'ms'), fmt(mib(a.pssKb), 'MiB'), fmt(mib(a.pssKb) / count, 'MiB'), fmt(mib(a.settledPssKb), 'MiB')],
      ['ipykernel', fmt(median(b.readyMs), 'ms'), fmt(p95(b.readyMs), 'ms'), fmt(b.cellsWallMs, 'ms'), fmt(mib(b.pssKb), 'MiB'), fmt(mib(b.pssKb) / count, 'MiB'), fmt(mib(b.settledPssKb), 'MiB')],
    ],
  );
  console.log(`  ready p50 sockbook ${speed(median(a.readyMs), median(b.readyMs))}, p95 ${speed(p95(a.readyMs), p95(b.readyMs))}; total PSS sockbook/ipykernel ${ratio(a.pssKb, b.pssKb)}`);
  summary({
    benchmark: `course load, ${count} kernels at once: time to ready p50 / p95`,
    sockbook: `${fmt(median(a.readyMs), 'ms')} / ${fmt(p95(a.readyMs), 'ms')}`,
    peer: `ipykernel ${fmt(median(b.readyMs), 'ms')} / ${fmt(p95(b.readyMs), 'ms')}`,
    ratio: `${speed(median(a.readyMs), median(b.readyMs))} / ${speed(p95(a.readyMs), p95(b.readyMs))}`,
  });
  summary({
    benchmark: `course load, ${count} kernels after their cells: total PSS`,
    sockbook: fmt(mib(a.pssKb), 'MiB'),
    peer: `ipykernel ${fmt(mib(b.pssKb), 'MiB')}`,
    ratio: `${ratio(a.pssKb, b.pssKb)} of ipykernel's`,
  });
  summary({
    benchmark: `course load, ${count} kernels ${SETTLE_MS / 1000} s after their cells (idle): total PSS`,
    sockbook: fmt(mib(a.settledPssKb), 'MiB'),
    peer: `ipykernel ${fmt(mib(b.settledPssKb), 'MiB')}`,
    ratio: `${ratio(a.settledPssKb, b.settledPssKb)} of ipykernel's`,
  });
  summary({
    benchmark: `course load, ${count} kernels: wall time until all cells done`,
    sockbook: fmt(a.cellsWallMs, 'ms'),
    peer: `ipykernel ${fmt(b.cellsWallMs, 'ms')}`,
    ratio: speed(a.cellsWallMs, b.cellsWallMs),
  });
}

benchMain(main);
