import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import { readProcessFamily } from '../base/proc-stat';
import type { UsageReply } from '../wire/content';

/** /proc counts CPU time in USER_HZ ticks, 100 a second on Linux whatever the kernel's own tick rate. */
const TICKS_PER_SECOND = 100;
/** With no earlier measurement (or one too recent to mean anything), CPU use is measured over this long (ms). */
const FIRST_WINDOW_MS = 200;
const MIN_WINDOW_MS = 50;

interface Sample {
  at: number;
  /** CPU ticks (user + system) of each process of the tree, by pid. */
  ticks: Map<number, number>;
  /** The host's busy and total ticks over all CPUs, from /proc/stat. */
  hostBusy: number;
  hostTotal: number;
}

/**
 * The kernel's resource use as usage_reply reports it: CPU and memory summed
 * over the kernel process and everything it started (its descendants: the
 * executor, the command helpers and what runs under them, daemons too, since
 * the helpers reap them), and the host's. Read from /proc without blocking.
 */
export class ProcessUsage {
  private last: Sample | undefined;

  constructor(private readonly rootPid: number) {}

  async measure(): Promise<UsageReply> {
    let before = this.last;
    if (!before || Date.now() - before.at < MIN_WINDOW_MS) {
      before = await this.sample();
      await new Promise((resolve) => setTimeout(resolve, FIRST_WINDOW_MS));
    }
    const now = await this.sample();
    this.last = now;
    const seconds = (now.at - before.at) / 1000;
    let ticks = 0;
    // A process that started within the window counts from zero.
    for (const [pid, total] of now.ticks) ticks += total - Math.min(total, before.ticks.get(pid) ?? 0);
    const hostTotal = now.hostTotal - before.hostTotal;
    const reply: UsageReply = {
      hostname: os.hostname(),
      pid: this.rootPid,
      kernel_cpu: round((ticks / TICKS_PER_SECOND / seconds) * 100),
      kernel_memory: await treeMemory([...now.ticks.keys()]),
      cpu_count: os.cpus().length,
      host_virtual_memory: await hostMemory(),
    };
    if (hostTotal > 0) reply.host_cpu_percent = round(((now.hostBusy - before.hostBusy) / hostTotal) * 100);
    return reply;
  }

  private async sample(): Promise<Sample> {
    const [family, host] = await Promise.all([readProcessFamily(this.rootPid), hostTicks()]);
    const tree = family?.members ?? [];
    return { at: Date.now(), ticks: new Map(tree.map((p) => [p.pid, p.ticks])), ...host };
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Proportional set size (shared pages split among their users, as ipykernel reports), else the resident set; bytes. */
async function processMemory(pid: number): Promise<number> {
  const kib = async (file: string, field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(await readFile(file, 'utf8'));
    if (!match) throw new Error(`no ${field} in ${file}`);
    return Number(match[1]) * 1024;
  };
  try {
    return await kib(`/proc/${pid}/smaps_rollup`, 'Pss');
  } catch {
    return kib(`/proc/${pid}/status`, 'VmRSS').catch(() => 0);
  }
}

async function treeMemory(pids: number[]): Promise<number> {
  return (await Promise.all(pids.map(processMemory))).reduce((sum, bytes) => sum + bytes, 0);
}

async function hostTicks(): Promise<{ hostBusy: number; hostTotal: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
  // cpu user nice system idle iowait irq softirq steal (guest time is already in user and nice)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { hostBusy: total - idle - iowait, hostTotal: total };
}

/** The host's memory with psutil's virtual_memory() fields (what ipykernel sends), in bytes. */
async function hostMemory(): Promise<{ [field: string]: number }> {
  const info = new Map<string, number>();
  for (const line of (await readFile('/proc/meminfo', 'utf8')).split('\n')) {
    const match = /^(\w+):\s+(\d+)(?: kB)?$/.exec(line.trim());
    if (match) info.set(match[1], Number(match[2]) * 1024);
  }
  const get = (name: string) => info.get(name) ?? 0;
  const total = get('MemTotal');
  const free = get('MemFree');
  const buffers = get('Buffers');
  const cached = get('Cached') + get('SReclaimable');
  const available = info.get('MemAvailable') ?? free + buffers + cached;
  let used = total - free - buffers - cached;
  if (used < 0) used = total - free;
  return {
    total,
    available,
    percent: total > 0 ? round(((total - available) / total) * 100) : 0,
    used,
    free,
    active: get('Active'),
    inactive: get('Inactive'),
    buffers,
    cached,
    shared: get('Shmem'),
    slab: get('Slab'),
  };
}
