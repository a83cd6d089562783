// The teaching line magics: %ps, %ss and %epoll PID, each shown
// as one display with text/plain and text/html.
import type { MimeBundle, OutputSink } from '../interpreter/output-sink';
import type { StartedProcess } from '../runner/registry';
import { errorOutcome as failure, type CellOutcome } from '../interpreter/outcome';
import { epollBundle } from './epoll-view';
import { ProcessLookupError, readEpollInstances } from './epoll-list';
import { readProcText } from './proc-files';
import { flattenTree, readProcessTree, type ProcessNode } from './process-tree';
import { processTreeBundle } from './process-view';
import type { SocketEntry } from './net-tables';
import { listSockets, PortMemory, readSocketTables, type SocketOwner, type SocketSnapshot } from './socket-list';
import { socketTableBundle } from './socket-view';
import { epollEventBits } from '../help/system-constants';

/** What the views need to know about the kernel's own processes. */
export interface KernelProcesses {
  /** The kernel process: the root of everything it started. */
  rootPid: number;
  /** The TypeScript executor child, when running. */
  executorPid?: number;
  /** The runner's helpers and their commands. */
  started: readonly StartedProcess[];
}

export type SystemViewName = 'ps' | 'ss' | 'epoll';

// Ports of the sockets shown so far in this kernel: TIME-WAIT outlives the program.
const portMemory = new PortMemory();

export async function kernelTree(kernel: KernelProcesses): Promise<ProcessNode> {
  const tree = await readProcessTree(kernel.rootPid);
  if (!tree) throw new Error(`cannot read /proc/${kernel.rootPid}/stat: is /proc mounted?`);
  return tree;
}

const HELPER_NAMES = new Set(['sockbook-run', 'sockbook-ns', 'sockbook-reaper']);

/**
 * The tree as a student should read it: sockbook's own processes by a short
 * name (their command lines are install paths and plumbing options), and no
 * helper whose command is over with nothing left under it (it is exiting).
 */
export function forStudents(node: ProcessNode, kernel: KernelProcesses): ProcessNode | undefined {
  const children = node.children.map((child) => forStudents(child, kernel)).filter((c): c is ProcessNode => c !== undefined);
  const helper = HELPER_NAMES.has(node.comm);
  if (helper && children.length === 0) return undefined;
  const name =
    node.pid === kernel.rootPid ? 'sockbook kernel' : node.pid === kernel.executorPid ? 'sockbook executor' : helper ? node.comm : undefined;
  return { ...node, commandLine: name ?? node.commandLine, children };
}

export function processLabels(kernel: KernelProcesses): Map<number, string> {
  const out = new Map<number, string>([[kernel.rootPid, 'this kernel']]);
  if (kernel.executorPid !== undefined) out.set(kernel.executorPid, 'TypeScript executor');
  for (const started of kernel.started) {
    const what = started.kind === 'background' ? 'background launch' : 'runner';
    out.set(started.helperPid, `${what}${started.running ? '' : ', command over'}: ${started.command}`);
  }
  return out;
}

export async function processesView(kernel: KernelProcesses): Promise<MimeBundle> {
  // The root is the kernel itself, never a helper, so it is always kept.
  const tree = forStudents(await kernelTree(kernel), kernel) as ProcessNode;
  return processTreeBundle(tree, processLabels(kernel));
}

/** The fd the executor's IPC channel to the kernel uses (Node passes it in NODE_CHANNEL_FD). */
async function ipcChannelFd(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const environ = (await readProcText(`/proc/${pid}/environ`)) ?? '';
  const value = environ.split('\0').find((entry) => entry.startsWith('NODE_CHANNEL_FD='));
  return value === undefined ? undefined : Number(value.slice('NODE_CHANNEL_FD='.length));
}

export async function socketsView(kernel: KernelProcesses): Promise<MimeBundle> {
  return socketTableBundle(await kernelSockets(kernel));
}

/** Ports the kernel's programs were seen using (an strace of them), so their TIME-WAIT sockets are shown after they exit. */
export function rememberPorts(ports: Iterable<number>): void {
  portMemory.add(ports);
}

/** The sockets of the kernel's processes, without its own plumbing, and the closed ones still on their ports (TIME-WAIT). */
export async function kernelSockets(kernel: KernelProcesses): Promise<SocketSnapshot> {
  const tree = await kernelTree(kernel);
  const helpers = new Set(kernel.started.map((s) => s.helperPid));
  for (const node of flattenTree(tree)) if (node.comm === 'sockbook-run') helpers.add(node.pid);
  const channelFd = await ipcChannelFd(kernel.executorPid);
  // The kernel's own plumbing is not what a student looks for: its ZeroMQ
  // sockets (the root is left out), the runner helpers' pipes to it, the
  // executor's IPC channel, and unix socketpairs Node uses as child stdio.
  const hide = (owner: SocketOwner, socket: SocketEntry | undefined) =>
    helpers.has(owner.pid) ||
    (owner.pid === kernel.executorPid && owner.fd === channelFd) ||
    (owner.fd <= 2 && socket?.family === 'unix');
  const processes = flattenTree(tree)
    .filter((node) => node.pid !== kernel.rootPid)
    .map((node) => ({ pid: node.pid, command: node.commandLine }));
  const snapshot = await listSockets(processes, { hide, ports: portMemory.all, namespaceOf: kernel.rootPid });
  portMemory.remember(snapshot.sockets.filter((s) => s.owners.length > 0));
  return snapshot;
}

/** `tcp 127.0.0.1:5000 -> 127.0.0.1:40000 ESTABLISHED`, for the sockets of an epoll list. */
function describeSocket(socket: SocketEntry): string {
  const peer = socket.peer === '*' || socket.peer.endsWith(':*') ? '' : ` -> ${socket.peer}`;
  return `(${socket.netid} ${socket.local}${peer} ${socket.state})`;
}

export async function epollView(pid: number): Promise<MimeBundle> {
  const [report, eventBits, sockets] = await Promise.all([readEpollInstances(pid), epollEventBits(), readSocketTables(pid)]);
  const byInode = new Map((sockets ?? []).filter((s) => s.inode !== 0).map((s) => [s.inode, s]));
  return epollBundle(report, {
    eventBits,
    describeSocket: (inode) => {
      const socket = byInode.get(inode);
      return socket && describeSocket(socket);
    },
  });
}

/** Runs %ps, %ss or %epoll PID and displays the result. */
export async function runSystemView(name: SystemViewName, argument: string, sink: OutputSink, kernel: KernelProcesses): Promise<CellOutcome> {
  try {
    let bundle: MimeBundle;
    switch (name) {
      case 'ps':
        bundle = await processesView(kernel);
        break;
      case 'ss':
        bundle = await socketsView(kernel);
        break;
      case 'epoll': {
        const pid = Number(argument);
        if (!/^\d+$/.test(argument) || !Number.isSafeInteger(pid) || pid <= 0) return failure('UsageError', `usage: %epoll PID (a process id), got: ${argument || 'nothing'}`);
        bundle = await epollView(pid);
        break;
      }
    }
    sink.display(bundle);
    return { status: 'ok' };
  } catch (error) {
    if (error instanceof ProcessLookupError) return failure(error.name, error.message);
    return failure('SystemViewError', `%${name}: ${(error as Error)?.message ?? String(error)}`);
  }
}
