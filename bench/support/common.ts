/**
 * What every benchmark shares: statistics (median, p95, ratios), the memory
 * of a kernel's process tree (PSS, RSS) read from /proc, the kernels and temp
 * dirs a run must clean up even when it fails, and the summary rows that
 * bench/run.js collects into one Markdown table.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nativeArtifact, projectRoot } from '../../kernel/paths';
import { KernelClient, StartOptions } from '../../test/support/kernel-client';
import { freePort } from '../../test/support/kernel-client';
export { freePort };

/**
 * The Python of the pinned Jupyter environment (build/jupyter, made by
 * test/setup/ensure-jupyter-env.js, which bench/run.js calls first): the newest
 * ipykernel (7.4, IPython 9) and jupyter_client 8, as a user installs them
 * from pip today. It runs the drivers in bench/py and is the peer.
 */
export const PYTHON = path.join(projectRoot, 'build', 'jupyter', 'bin', 'python');
/** Debian's Python with its older ipykernel (6.17): measured beside the peer, for reference. */
export const DEBIAN_PYTHON = '/usr/bin/python3';
/** The peer's command line (ipykernel 7.4), as KernelClient takes it. */
export const IPYKERNEL = [PYTHON, '-m', 'ipykernel_launcher', '-f', '{connection_file}'];
/** Debian's ipykernel's command line. */
export const IPYKERNEL_DEBIAN = [DEBIAN_PYTHON, '-m', 'ipykernel_launcher', '-f', '{connection_file}'];
/** The kernelspec names jupyterDirs() installs for the two ipykernels. */
export const PEER_KERNEL = 'ipykernel74';
export const DEBIAN_KERNEL = 'ipykernel-debian';

/** The versions of both ipykernels, for the bench's header. */
export function peerVersions(): string {
  const version = (python: string) => {
    const probe = spawnSync(python, ['-c', 'import ipykernel, jupyter_client; print(ipykernel.__version__, jupyter_client.__version__)'], { encoding: 'utf8' });
    return probe.status === 0 ? probe.stdout.trim().replace(' ', ' / jupyter_client ') : 'missing';
  };
  return `peer ipykernel ${version(PYTHON)} (${PYTHON}); reference ipykernel ${version(DEBIAN_PYTHON)} (Debian, ${DEBIAN_PYTHON})`;
}

/**
 * sockbook's command line as its kernelspec has it (kernel.json, as `sockbook
 * install` fills it in: sockbook-listen, then Node with the kernel's flags), so
 * the benches measure the kernel Jupyter starts.
 */
export function sockbookArgv(): string[] {
  const spec = JSON.parse(readFileSync(path.join(projectRoot, 'kernel.json'), 'utf8')) as { argv: string[] };
  const listen = nativeArtifact('sockbook-listen');
  const argv = spec.argv[0] === '{listen}' && !existsSync(listen) ? spec.argv.slice(spec.argv.indexOf('--') + 1) : spec.argv;
  return argv.map((arg) => arg.replace('{listen}', listen).replace('{node}', process.execPath).replace('{sockbook}', path.join(projectRoot, 'bin', 'sockbook.js')));
}

/** The machine's load average (1, 5, 15 min) from /proc/loadavg, for the bench's output. */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

// ---------------------------------------------------------------- statistics

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const p95 = (values: number[]): number => percentile(values, 95);

/** Milliseconds since t0 (from process.hrtime.bigint()). */
export function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Runs f and returns its duration in milliseconds. */
export async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await f();
  return msSince(t0);
}

/** A number with sensible digits for a table. */
export function fmt(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit ? ' ' + unit : ''}`;
}

/** "2.41x" */
export function ratio(a: number, b: number): string {
  return Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : 'n/a';
}

/** How sockbook's time compares with the peer's: "2.30x faster" or "1.50x slower". */
export function speed(sockbookMs: number, peerMs: number): string {
  if (!Number.isFinite(sockbookMs / peerMs)) return 'n/a';
  return sockbookMs <= peerMs ? `${(peerMs / sockbookMs).toFixed(2)}x faster` : `${(sockbookMs / peerMs).toFixed(2)}x slower`;
}

export const mib = (kb: number): number => kb / 1024;

/** Environment knobs: ROUNDS=… overrides a bench's measured run count. */
export function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

// ---------------------------------------------------------------- /proc

interface ProcStat {
  pid: number;
  ppid: number;
  startTime: string;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain anything, so split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), startTime: fields[19] };
  } catch {
    return null;
  }
}

/** The pid and all its descendants, each with its start time (so a reused pid is told apart). */
export function processTree(root: number): ProcStat[] {
  const all: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat);
    children.set(stat.ppid, list);
  }
  const rootStat = all.find((s) => s.pid === root);
  if (!rootStat) return [];
  const tree: ProcStat[] = [];
  const queue = [rootStat];
  while (queue.length) {
    const next = queue.shift() as ProcStat;
    tree.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

function pssKb(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // gone meanwhile
  }
}

function rssKb(pid: number): number {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return (pages * 4096) / 1024;
  } catch {
    return 0;
  }
}

/** Total PSS (kB) of a process and all its descendants, from /proc/PID/smaps_rollup. */
export function treePssKb(root: number): number {
  return processTree(root).reduce((sum, p) => sum + pssKb(p.pid), 0);
}

/** Total PSS (kB) over several trees, read together (so shared pages are divided the same way). */
export function treesPssKb(roots: number[]): number {
  return roots.reduce((sum, root) => sum + treePssKb(root), 0);
}

/** Total RSS (kB) of a process and all its descendants. */
export function treeRssKb(root: number): number {
  return processTree(root).reduce((sum, p) => sum + rssKb(p.pid), 0);
}

/** Samples a tree's total RSS every intervalMs and keeps the peak. */
export class PeakRss {
  peakKb = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(
    private readonly root: number,
    intervalMs = 25,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }
  private sample(): void {
    this.peakKb = Math.max(this.peakKb, treeRssKb(this.root));
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakKb;
  }
}

// ---------------------------------------------------------------- cleanup

const cleanups: (() => Promise<void> | void)[] = [];

/** Registers f to run at the end of the bench, whether it succeeds or fails (last registered runs first). */
export function atCleanup(f: () => Promise<void> | void): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    const index = cleanups.indexOf(once);
    if (index >= 0) cleanups.splice(index, 1);
    await f();
  };
  cleanups.push(once);
  return once;
}

async function runCleanups(): Promise<void> {
  while (cleanups.length) {
    const f = cleanups[cleanups.length - 1];
    try {
      await f();
    } catch (error) {
      console.error('cleanup failed:', error);
    }
    if (cleanups[cleanups.length - 1] === f) cleanups.pop();
  }
}

/** A temp dir removed at cleanup (or earlier by calling remove()). */
export function tempDir(prefix = 'sockbook-bench-'): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const remove = atCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, remove };
}

/** SIGKILLs every process of a snapshot that is still the same process (same pid and start time). */
export function killSurvivors(snapshot: ProcStat[]): void {
  for (const p of snapshot) {
    const now = readStat(p.pid);
    if (now && now.startTime === p.startTime) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
}

/** A kernel started through KernelClient, with its cleanup registered: close() shuts it down and kills what is left of its tree. */
export interface Kernel {
  client: KernelClient;
  pid: number;
  close: () => Promise<void>;
}

export async function startKernel(options: StartOptions = {}): Promise<Kernel> {
  const client = await KernelClient.start({ ...options, argv: options.argv ?? sockbookArgv() });
  const pid = client.process.pid as number;
  let snapshot = processTree(pid);
  // Remember every process the kernel ever had, so a child that got reparented is killed too.
  const watch = setInterval(() => {
    for (const p of processTree(pid)) if (!snapshot.some((s) => s.pid === p.pid && s.startTime === p.startTime)) snapshot.push(p);
  }, 500);
  const close = atCleanup(async () => {
    clearInterval(watch);
    for (const p of processTree(pid)) if (!snapshot.some((s) => s.pid === p.pid)) snapshot.push(p);
    try {
      await client.close();
    } finally {
      killSurvivors(snapshot);
      snapshot = [];
    }
  });
  return { client, pid, close };
}

/** Starts `count` kernels at once; if any fails, the others are closed. */
export async function startKernels(count: number, options: StartOptions = {}): Promise<Kernel[]> {
  const results = await Promise.allSettled(Array.from({ length: count }, () => startKernel(options)));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    throw (failed as PromiseRejectedResult).reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<Kernel>).value);
}

/** Runs an execute_request and fails when the cell ends in error. */
export async function executeOk(kernel: KernelClient, code: string, timeoutMs = 60000): Promise<string> {
  const { reply, outputs } = await kernel.execute(code, {}, timeoutMs);
  const text = KernelClient.streamText(outputs) + KernelClient.streamText(outputs, 'stderr');
  if (reply.content.status !== 'ok') throw new Error(`cell failed: ${JSON.stringify(reply.content)}\n${text}`);
  // The iopub messages of finished cells are not needed any more.
  kernel.iopubMessages.length = 0;
  return text;
}

/** A free TCP port on 127.0.0.1. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end (killed by pid after timeoutMs, or at cleanup). */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    };
    const unregister = atCleanup(kill);
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`${command} ${args.join(' ')}: no end within ${options.timeoutMs} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 120000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      void unregister();
      resolve({ code, stdout, stderr });
    });
  });
}

export async function runOk(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

// ---------------------------------------------------------------- jupyter_client drivers

export interface JupyterDirs {
  /** The temp prefix: the sockbook kernelspec, Jupyter's data/runtime/config dirs, the kernels' pid file. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Where a Python driver appends the pid of each kernel it starts. */
  pidFile: string;
}

/**
 * A private Jupyter setup for the Python drivers in bench/py: `sockbook install
 * --prefix DIR`, kernelspecs for both ipykernels (PEER_KERNEL, DEBIAN_KERNEL),
 * and JUPYTER_PATH pointing there. At cleanup, every kernel of
 * the pid file still running with its connection file in our runtime dir is
 * killed by pid (with its descendants), then the dir is removed.
 */
export async function jupyterDirs(): Promise<JupyterDirs> {
  const { dir } = tempDir('sockbook-bench-jupyter-');
  await runOk(process.execPath, [path.join(projectRoot, 'bin', 'sockbook.js'), 'install', '--prefix', dir]);
  const runtime = path.join(dir, 'runtime');
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(dir, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: path.join(dir, 'data'),
    JUPYTER_RUNTIME_DIR: runtime,
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    PYTHONDONTWRITEBYTECODE: '1',
  };
  // Both ipykernels under names of their own, so neither depends on which `python3` kernelspec Jupyter finds first.
  for (const [name, argv, label] of [[PEER_KERNEL, IPYKERNEL, 'ipykernel 7.4'], [DEBIAN_KERNEL, IPYKERNEL_DEBIAN, "Debian's ipykernel"]] as const) {
    const specDir = path.join(dir, 'share', 'jupyter', 'kernels', name);
    mkdirSync(specDir, { recursive: true });
    writeFileSync(path.join(specDir, 'kernel.json'), JSON.stringify({ argv, display_name: label, language: 'python' }));
  }
  const pidFile = path.join(dir, 'kernel-pids');
  atCleanup(() => {
    if (!existsSync(pidFile)) return;
    for (const pid of readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number)) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue; // ended
      }
      if (cmdline.includes(runtime)) killSurvivors(processTree(pid));
    }
  });
  return { dir, env, pidFile };
}

/** The path of a Python driver in bench/py. */
export const pythonDriver = (name: string): string => path.join(projectRoot, 'bench', 'py', name);

// ---------------------------------------------------------------- output

/** One line of the summary table that bench/run.js prints at the end. */
export interface SummaryRow {
  benchmark: string;
  sockbook: string;
  peer: string;
  ratio: string;
  target?: string;
  status?: string;
}

/** Prints a row and hands it to bench/run.js (through the file named by SOCKBOOK_BENCH_SUMMARY). */
export function summary(row: SummaryRow): void {
  const file = process.env.SOCKBOOK_BENCH_SUMMARY;
  if (file) appendFileSync(file, JSON.stringify(row) + '\n');
}

/**
 * "met by 12%" / "missed by 2.30x" for a target `value <= limit` or `value >= limit`;
 * with a unit the distance is absolute ("missed by 41 ms").
 */
export function verdict(value: number, comparison: '<=' | '>=', limit: number, unit = ''): string {
  if (!Number.isFinite(value)) return 'not measured';
  const met = comparison === '<=' ? value <= limit : value >= limit;
  const word = met ? 'met' : 'missed';
  if (unit) return `${word} by ${fmt(Math.abs(value - limit), unit)}`;
  if (comparison === '<=') return `${word} by ${fmt(Math.abs(value / limit - 1) * 100)}%`;
  return `${word} by ${(met ? value / limit : limit / value).toFixed(2)}x`;
}

/** A small aligned table on stdout. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

/** Runs a bench's main, then every cleanup; exits non-zero on failure or on SIGINT/SIGTERM. */
export function benchMain(main: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: cleaning up`);
    void runCleanups().finally(() => process.exit(130));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A stray rejection must not end the process before the kernels are cleaned up.
  process.on('unhandledRejection', (reason) => {
    if (stopping) return;
    stopping = true;
    console.error('unhandled rejection:', reason);
    void runCleanups().finally(() => process.exit(1));
  });
  main()
    .then(
      () => 0,
      (error: unknown) => {
        console.error(error);
        return 1;
      },
    )
    .then(async (code) => {
      await runCleanups();
      process.exit(code);
    });
}
