// The picture magics' work, shared by the kernel's line magics and the
// executor's functions: the commands that trace and capture, and the
// pictures made from what they wrote.
import { readFile, rm } from 'node:fs/promises';
import type { PacketsArgs, TraceArgs } from '../cells/picture-args';
import { shellQuote } from '../cells/shell-words';
import { readProcText } from '../views/proc-files';
import { flattenTree } from '../views/process-tree';
import { forStudents, kernelTree, processLabels, rememberPorts, type KernelProcesses } from '../views/system-views';
import { buildLadder, ladderSpec, ladderText, type PacketLadder } from './packet-ladder';
import { pictureBundle, type Picture } from './picture-bundle';
import { processTreeDot, processTreeText, treeData, type ProcessTreeData } from './process-tree-picture';
import { renderSvg } from './render';
import { parseStraceLog, type StraceTrace } from './strace-log';
import { buildTimeline, timelineSpec, timelineText, type Timeline } from './strace-timeline';
import { parseTcpdump } from './tcpdump-lines';

/** The controlling terminal of a process (/proc/PID/stat's tty_nr; 0 for none). */
async function readTty(pid: number): Promise<number | undefined> {
  const text = await readProcText(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[4]);
}

export async function processTreePicture(kernel: KernelProcesses): Promise<Picture<ProcessTreeData>> {
  const tree = forStudents(await kernelTree(kernel), kernel);
  if (!tree) throw new Error('the kernel process is gone');
  const ttys = new Map(await Promise.all(flattenTree(tree).map(async (node) => [node.pid, await readTty(node.pid)] as const)));
  const data = treeData(tree, processLabels(kernel), (pid) => ttys.get(pid));
  const svg = await renderSvg({ kind: 'dot', source: processTreeDot(data) });
  return { data, bundle: pictureBundle(svg, processTreeText(data)) };
}

/**
 * The calls traced unless --all: what the lessons are about (sockets,
 * processes, reads and writes, waiting, signals sent), not the loader's mmap,
 * openat and brk or the shell's signal set-up. Signals delivered are always shown.
 */
export const TRACED_CALLS =
  '%network,%process,read,write,readv,writev,close,pipe,pipe2,dup2,dup3,epoll_create1,epoll_ctl,epoll_wait,epoll_pwait,' +
  'poll,ppoll,select,pselect6,nanosleep,clock_nanosleep,restart_syscall,pause,rt_sigsuspend,signalfd4,setsid,setpgid';

/** The shell command that runs CMD under strace, writing the log to `logPath`. */
export function straceCommandLine(args: TraceArgs, logPath: string): string {
  const filter = args.all ? '' : ` -e trace=${TRACED_CALLS}`;
  return `strace -f -tt -T${filter} -o ${shellQuote(logPath)} bash -c ${shellQuote(args.command)}`;
}

export interface TraceData {
  command: string;
  /** The raw log strace wrote. */
  logFile: string;
  trace: StraceTrace;
  timeline: Timeline;
}

export async function stracePicture(args: TraceArgs, logPath: string): Promise<Picture<TraceData>> {
  let text: string;
  try {
    text = await readFile(logPath, 'utf8');
  } catch (error) {
    throw new Error(`strace wrote no log at ${logPath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): is strace installed (apt-get install strace)?`);
  }
  const trace = parseStraceLog(text);
  // The ports it bound and connected to are this kernel's: %ss and %tcpstates then show their TIME-WAIT.
  rememberPorts(portsOf(trace));
  const timeline = buildTimeline(trace, { all: args.all, maxEvents: args.maxEvents });
  const title = `strace: ${args.command}`;
  const spec = timelineSpec(timeline, title);
  const svg = await renderSvg({ kind: 'vega-lite', spec });
  return { data: { command: args.command, logFile: args.logFile, trace, timeline }, bundle: pictureBundle(svg, timelineText(timeline, title, args.logFile), spec) };
}

/** The TCP/UDP ports in the addresses of bind and connect calls (`sin_port=htons(31008)`). */
function portsOf(trace: StraceTrace): number[] {
  const ports = new Set<number>();
  for (const event of trace.events) {
    if (event.kind !== 'call' || (event.name !== 'bind' && event.name !== 'connect')) continue;
    const port = /sin6?_port=htons\((\d+)\)/.exec(event.args)?.[1];
    if (port) ports.add(Number(port));
  }
  return [...ports];
}

/** Seconds tcpdump may take to say it listens before the command runs anyway. */
const CAPTURE_READY_S = 5;

/**
 * The shell command that captures loopback TCP with tcpdump while CMD runs:
 * tcpdump starts first and CMD runs once it listens; after CMD, a moment for
 * the last segments, then tcpdump is stopped. The command's exit status is CMD's.
 */
export function packetsCommandLine(args: PacketsArgs, logPath: string): string {
  const log = shellQuote(logPath);
  const errors = shellQuote(`${logPath}.err`);
  const polls = CAPTURE_READY_S * 50;
  return [
    `tcpdump -i lo -nn -tt -S -l -U tcp > ${log} 2> ${errors} & sockbook_tcpdump=$!`,
    `for _ in $(seq ${polls}); do grep -q 'listening on' ${errors} 2>/dev/null && break; kill -0 $sockbook_tcpdump 2>/dev/null || break; sleep 0.02; done`,
    `(`,
    args.command,
    `)`,
    `sockbook_status=$?`,
    `sleep 0.3; kill -INT $sockbook_tcpdump 2>/dev/null; wait $sockbook_tcpdump 2>/dev/null`,
    `exit $sockbook_status`,
  ].join('\n');
}

export interface PacketsData {
  command: string;
  logFile: string;
  ladder: PacketLadder;
  /** Segments captured past the cap, not drawn. */
  leftOut: number;
}

export async function packetsPicture(args: PacketsArgs, logPath: string): Promise<Picture<PacketsData>> {
  const errorsPath = `${logPath}.err`;
  const errors = (await readFile(errorsPath, 'utf8').catch(() => '')).trim();
  await rm(errorsPath, { force: true });
  if (!/listening on/.test(errors)) {
    throw new Error(`tcpdump did not start${errors ? `: ${errors.split('\n').slice(-3).join(' ')}` : ''} (is tcpdump installed? apt-get install tcpdump)`);
  }
  const segments = parseTcpdump(await readFile(logPath, 'utf8'));
  const kept = segments.slice(0, args.maxSegments);
  const ladder = buildLadder(kept);
  const leftOut = segments.length - kept.length;
  const title = `packets: ${args.command}`;
  const spec = ladderSpec(ladder, leftOut > 0 ? `${title} (first ${kept.length} of ${segments.length} segments)` : title);
  const svg = await renderSvg({ kind: 'vega-lite', spec });
  return { data: { command: args.command, logFile: args.logFile, ladder, leftOut }, bundle: pictureBundle(svg, ladderText(ladder, leftOut), spec) };
}

/** Why %packets refuses to run outside a network namespace of the kernel's own. */
export const PACKETS_NEEDS_ISOLATION =
  '%packets captures loopback traffic, which is private only in a network namespace of the kernel\'s own: ' +
  'start the kernel with `sockbook kernel --isolate net` (or SOCKBOOK_ISOLATE=net; `sockbook run --isolate net`). ' +
  'This kernel shares the machine\'s network, so it would capture other people\'s traffic: nothing was run.';
