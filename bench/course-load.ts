/**
 * A course server's load, through jupyter_client as a Jupyter server drives
 * kernels (AsyncKernelManager, the Python driver bench/py/course_load.py, run
 * with jupyter_client 8 so its clients never block each other): KERNELS
 * (default 20) kernels started at once, each in its own directory, then every
 * kernel running the course sockets lesson's first C cell and a cell in its
 * language, all at the same time. sockbook runs a `%%cpp` cell and the
 * TypeScript `const x: number = 1 + 1; x`; ipykernel runs `%%writefile
 * hello.c` + `!gcc … && ./hello` and the Python `x = 1 + 1; x`.
 *
 * Reported: p50/p95 of each kernel's start_kernel + wait_for_ready, the wall
 * time until every kernel finished its cells, and the total PSS of all kernel
 * trees (with the processes per kernel) right after the cells, 20 s later,
 * and SETTLE_S later (idle). The driver's trace is checked: how many kernels
 * were inside their cells at the same moment (kernel-side busy → idle), and
 * for how long all of them were. sockbook's kernels go first, then ipykernel
 * 7.4's (the peer), then Debian's ipykernel 6.17 (reference; REFERENCE=0
 * leaves it out), after one warm-up load of 2 kernels each.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { atCleanup, benchMain, DEBIAN_KERNEL, envInt, fmt, jupyterDirs, JupyterDirs, loadAverage, median, mib, p95, PEER_KERNEL, peerVersions, printTable, processTree, PYTHON, pythonDriver, ratio, speed, summary, tempDir, treesPssKb, verdict } from './support/common';

const SOURCE = '#include <stdio.h>\n\nint main(void) {\n    printf("hello, world\\n");\n    return 0;\n}\n';

/** One cell as the driver traced it: seconds since the epoch. */
interface TraceEntry {
  kernel: number;
  sent: number;
  busy?: number;
  idle?: number;
  replied: number;
}

interface Reading {
  pssKb: number;
  /** Median number of processes in a kernel's tree. */
  procs: number;
}

interface Load {
  readyMs: number[];
  cellsWallMs: number;
  readings: Reading[];
  /** The most kernels inside their cells (busy → idle) at one moment. */
  peakConcurrent: number;
  /** How long every kernel was inside its cells at once (ms; ≤ 0: never all at once). */
  allAtOnceMs: number;
  loadAtCells: string;
}

const SETTLE_MS = envInt('SETTLE_S', 75) * 1000;
const READING_DELAYS_MS = [0, 20000, SETTLE_MS];

const kernels = {
  sockbook: { label: 'sockbook', cells: [`%%cpp hello.c\n%run gcc hello.c -o hello.exe\n%run ./hello.exe\n${SOURCE}`, 'const x: number = 1 + 1; x'] },
  [PEER_KERNEL]: { label: 'ipykernel 7.4', cells: [`%%writefile hello.c\n${SOURCE}`, '!gcc hello.c -o hello && ./hello', 'x = 1 + 1; x'] },
  [DEBIAN_KERNEL]: { label: 'ipykernel 6.17 (Debian)', cells: [`%%writefile hello.c\n${SOURCE}`, '!gcc hello.c -o hello && ./hello', 'x = 1 + 1; x'] },
};

/** From the trace: the peak number of kernels inside their cells at once, and how long all were. */
function overlap(trace: TraceEntry[], count: number): { peak: number; allAtOnceMs: number } {
  const spans = new Map<number, [number, number]>();
  for (const e of trace) {
    const start = e.busy ?? e.sent;
    const end = e.idle ?? e.replied;
    const span = spans.get(e.kernel);
    spans.set(e.kernel, span ? [Math.min(span[0], start), Math.max(span[1], end)] : [start, end]);
  }
  const events = [...spans.values()].flatMap(([s, e]) => [[s, 1], [e, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of events) peak = Math.max(peak, (now += delta));
  const starts = [...spans.values()].map((s) => s[0]);
  const ends = [...spans.values()].map((s) => s[1]);
  const allAtOnceMs = spans.size === count ? (Math.min(...ends) - Math.max(...starts)) * 1000 : 0;
  return { peak, allAtOnceMs };
}

function read(pids: number[]): Reading {
  return { pssKb: treesPssKb(pids), procs: median(pids.map((pid) => processTree(pid).length)) };
}

/** Runs the driver for one kernel name; reads the trees' PSS while it holds the kernels after their cells. */
function load(jupyter: JupyterDirs, name: keyof typeof kernels, count: number): Promise<Load> {
  const { dir } = tempDir();
  const cellsFile = path.join(dir, 'cells.json');
  writeFileSync(cellsFile, JSON.stringify(kernels[name].cells));
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
    }, 900000);
    let stdout = '';
    let stderr = '';
    let result: Load | null = null;
    driver.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    driver.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (result || !line || !stdout.slice(stdout.indexOf(line)).includes('\n')) return;
      const data = JSON.parse(line) as { ready: number[]; cells_wall_ms: number; pids: number[]; trace: TraceEntry[]; restarts: string[] };
      if (data.restarts.length) console.log(`  ${kernels[name].label}: ${data.restarts.length} kernel(s) died before ready and were started again: ${data.restarts.join('; ')}`);
      const { peak, allAtOnceMs } = overlap(data.trace, count);
      const measured: Load = { readyMs: data.ready, cellsWallMs: data.cells_wall_ms, readings: [], peakConcurrent: peak, allAtOnceMs, loadAtCells: loadAverage() };
      result = measured;
      const t0 = Date.now();
      const next = () => {
        measured.readings.push(read(data.pids));
        const delay = READING_DELAYS_MS[measured.readings.length];
        if (delay === undefined) driver.stdin.end('done\n');
        else setTimeout(next, Math.max(0, t0 + delay - Date.now()));
      };
      next();
    });
    driver.on('error', reject);
    driver.on('close', (code) => {
      clearTimeout(timer);
      void unregister();
      if (code === 0 && result) resolve(result);
      else reject(new Error(`course_load.py ${name} exited ${code}\n${stdout.slice(0, 3000)}\n${stderr.slice(-3000)}`));
    });
  });
}

async function main(): Promise<void> {
  const count = envInt('KERNELS', 20);
  const names: Array<keyof typeof kernels> = ['sockbook', PEER_KERNEL];
  if (process.env.REFERENCE !== '0') names.push(DEBIAN_KERNEL);
  const jupyter = await jupyterDirs();
  console.log(`${peerVersions()}; load average at start ${loadAverage()}`);
  for (const name of names) await load(jupyter, name, 2); // warm-up
  const results = new Map<string, Load>();
  for (const name of names) results.set(name, await load(jupyter, name, count));
  const a = results.get('sockbook') as Load;
  const b = results.get(PEER_KERNEL) as Load;
  const seconds = READING_DELAYS_MS.map((d) => `${d / 1000} s`);
  console.log(`${count} kernels started at once, each running a C hello cell and a cell in its language; PSS read ${seconds.join(', ')} after the cells`);
  printTable(
    ['', 'ready p50', 'ready p95', 'cells done (wall)', 'most in cells at once', 'all in cells at once', ...READING_DELAYS_MS.map((d) => `PSS +${d / 1000} s (procs)`), 'load avg'],
    names.map((name) => {
      const r = results.get(name) as Load;
      return [
        kernels[name].label,
        fmt(median(r.readyMs), 'ms'),
        fmt(p95(r.readyMs), 'ms'),
        fmt(r.cellsWallMs, 'ms'),
        `${r.peakConcurrent}/${count}`,
        r.allAtOnceMs > 0 ? fmt(r.allAtOnceMs, 'ms') : 'never',
        ...r.readings.map((x) => `${fmt(mib(x.pssKb), 'MiB')} (${x.procs})`),
        r.loadAtCells,
      ];
    }),
  );
  for (const name of names) {
    const r = results.get(name) as Load;
    if (r.peakConcurrent < count) console.log(`  warning: the trace shows at most ${r.peakConcurrent} of ${kernels[name].label}'s ${count} kernels in their cells at once`);
  }
  const debian = results.get(DEBIAN_KERNEL);
  const ref = (f: (r: Load) => string) => (debian ? `; Debian's 6.17 ${f(debian)}` : '');
  summary({
    benchmark: `course load, ${count} kernels at once: time to ready p50 / p95`,
    sockbook: `${fmt(median(a.readyMs), 'ms')} / ${fmt(p95(a.readyMs), 'ms')}`,
    peer: `ipykernel 7.4 ${fmt(median(b.readyMs), 'ms')} / ${fmt(p95(b.readyMs), 'ms')}${ref((r) => `${fmt(median(r.readyMs), 'ms')} / ${fmt(p95(r.readyMs), 'ms')}`)}`,
    ratio: `${speed(median(a.readyMs), median(b.readyMs))} / ${speed(p95(a.readyMs), p95(b.readyMs))}`,
  });
  READING_DELAYS_MS.forEach((delay, i) => {
    summary({
      benchmark: `course load, ${count} kernels ${delay === 0 ? 'right after their cells' : `${delay / 1000} s after their cells`}: total PSS (processes per kernel)`,
      sockbook: `${fmt(mib(a.readings[i].pssKb), 'MiB')} (${a.readings[i].procs})`,
      peer: `ipykernel 7.4 ${fmt(mib(b.readings[i].pssKb), 'MiB')} (${b.readings[i].procs})${ref((r) => `${fmt(mib(r.readings[i].pssKb), 'MiB')} (${r.readings[i].procs})`)}`,
      ratio: `${ratio(a.readings[i].pssKb, b.readings[i].pssKb)} of ipykernel 7.4's`,
      target: "≤ ipykernel 7.4's; ≤ 2 processes per kernel",
      status: `${verdict(a.readings[i].pssKb / b.readings[i].pssKb, '<=', 1)}; processes ${a.readings[i].procs <= 2 ? 'met' : `missed (${a.readings[i].procs})`}`,
    });
  });
  summary({
    benchmark: `course load, ${count} kernels: wall time until all cells done (the driver's trace: most kernels in their cells at once)`,
    sockbook: `${fmt(a.cellsWallMs, 'ms')} (${a.peakConcurrent}/${count})`,
    peer: `ipykernel 7.4 ${fmt(b.cellsWallMs, 'ms')} (${b.peakConcurrent}/${count})${ref((r) => `${fmt(r.cellsWallMs, 'ms')} (${r.peakConcurrent}/${count})`)}`,
    ratio: `${ratio(a.cellsWallMs, b.cellsWallMs)} of ipykernel 7.4's`,
    target: "≤ 0.8x ipykernel 7.4's",
    status: verdict(a.cellsWallMs / b.cellsWallMs, '<=', 0.8),
  });
}

benchMain(main);
