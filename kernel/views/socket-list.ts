// The sockets a set of processes hold: their fds that link to `socket:[inode]`,
// matched with the socket tables of each process' own network namespace.
import { parseInetTable, parseUnixTable, type Netid, type SocketEntry } from './net-tables';
import { readFdLinks, readProcLink, readProcText } from './proc-files';

export interface SocketOwner {
  pid: number;
  fd: number;
  command: string;
}

/** A socket with the fds that hold it (none for TIME-WAIT and other sockets already closed by the program). */
export interface OwnedSocket extends SocketEntry {
  owners: SocketOwner[];
}

export interface SocketSnapshot {
  sockets: OwnedSocket[];
  /** Sockets whose inode is in no table read: not bound yet, or a kind /proc/net does not list (netlink, raw …). */
  unlisted: { inode: number; owners: SocketOwner[] }[];
}

export interface ProcessRef {
  pid: number;
  command: string;
}

const TABLES: Netid[] = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'];

/** The socket tables of the network namespace `pid` lives in; undefined if the process is gone. */
export async function readSocketTables(pid: number): Promise<SocketEntry[] | undefined> {
  const texts = await Promise.all(TABLES.map((netid) => readProcText(`/proc/${pid}/net/${netid}`)));
  if (texts.every((text) => text === undefined)) return undefined;
  return texts.flatMap((text, i) => {
    const netid = TABLES[i] as Netid;
    if (text === undefined) return [];
    return netid === 'unix' ? parseUnixTable(text) : parseInetTable(text, netid);
  });
}

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

export interface ListOptions {
  /** Holders not to show (the kernel's own plumbing: stdio socketpairs, the executor's IPC channel …). */
  hide?: (owner: SocketOwner, socket: SocketEntry | undefined) => boolean;
  /** TCP ports whose sockets without an owner (TIME-WAIT, FIN-WAIT-2 after close …) are shown too. */
  ports?: ReadonlySet<number>;
  /** A process whose namespace is read even when none of the processes holds a socket (for sockets without owner). */
  namespaceOf?: number;
}

export async function listSockets(processes: ProcessRef[], options: ListOptions = {}): Promise<SocketSnapshot> {
  const perProcess = await Promise.all(
    processes.map(async (p) => ({
      process: p,
      fds: await readFdLinks(p.pid),
      namespace: (await readProcLink(`/proc/${p.pid}/ns/net`)) ?? `pid ${p.pid}`,
    })),
  );
  const owners = new Map<number, SocketOwner[]>();
  const namespaces = new Map<string, number[]>();
  for (const { process, fds, namespace } of perProcess) {
    let holdsSockets = false;
    for (const [fd, link] of fds) {
      const inode = Number(SOCKET_LINK.exec(link)?.[1] ?? NaN);
      if (Number.isNaN(inode)) continue;
      holdsSockets = true;
      const list = owners.get(inode) ?? [];
      list.push({ pid: process.pid, fd, command: process.command });
      owners.set(inode, list);
    }
    if (holdsSockets) namespaces.set(namespace, [...(namespaces.get(namespace) ?? []), process.pid]);
  }
  if (options.namespaceOf !== undefined) {
    const namespace = (await readProcLink(`/proc/${options.namespaceOf}/ns/net`)) ?? `pid ${options.namespaceOf}`;
    namespaces.set(namespace, [...(namespaces.get(namespace) ?? []), options.namespaceOf]);
  }
  // One read of the tables per namespace, from a process that is still there.
  const tables: SocketEntry[] = [];
  for (const pids of namespaces.values()) {
    for (const pid of pids) {
      const table = await readSocketTables(pid);
      if (!table) continue;
      tables.push(...table);
      break;
    }
  }
  const hide = options.hide ?? (() => false);
  const sockets: OwnedSocket[] = [];
  const listed = new Set<number>();
  for (const entry of tables) {
    const holders = entry.inode !== 0 ? owners.get(entry.inode) : undefined;
    if (!holders || listed.has(entry.inode)) continue;
    listed.add(entry.inode);
    const shown = holders.filter((owner) => !hide(owner, entry));
    if (shown.length > 0) sockets.push({ ...entry, owners: shown });
  }
  const watched = new Set(options.ports ?? []);
  for (const socket of sockets) if (socket.family !== 'unix' && socket.localPort) watched.add(socket.localPort);
  const orphans = new Map<string, OwnedSocket>();
  for (const entry of tables) {
    if (entry.inode === 0 && entry.family !== 'unix' && entry.type === 'stream' && isWatched(entry, watched)) {
      orphans.set(`${entry.netid} ${entry.local} ${entry.peer}`, { ...entry, owners: [] });
    }
  }
  sockets.push(...orphans.values());
  const unlisted = [...owners]
    .filter(([inode]) => !listed.has(inode))
    .map(([inode, holders]) => ({ inode, owners: holders.filter((owner) => !hide(owner, undefined)) }))
    .filter((socket) => socket.owners.length > 0);
  return { sockets: sockets.sort(bySocketOrder), unlisted };
}

function isWatched(entry: SocketEntry, ports: ReadonlySet<number> | undefined): boolean {
  if (!ports) return false;
  return (entry.localPort !== undefined && ports.has(entry.localPort)) || (entry.peerPort !== undefined && ports.has(entry.peerPort));
}

const NETID_ORDER: Netid[] = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'];

/** Internet sockets first, then by local port, then peer: the rows of one connection stay together. */
function bySocketOrder(a: OwnedSocket, b: OwnedSocket): number {
  return (
    NETID_ORDER.indexOf(a.netid) - NETID_ORDER.indexOf(b.netid) ||
    (a.localPort ?? 0) - (b.localPort ?? 0) ||
    a.local.localeCompare(b.local) ||
    a.peer.localeCompare(b.peer) ||
    a.inode - b.inode
  );
}

/** Local ports of sockets seen in earlier views, so TIME-WAIT shows after the program that used the port has exited. */
export class PortMemory {
  private readonly ports = new Set<number>();

  constructor(private readonly limit = 256) {}

  remember(sockets: readonly SocketEntry[]): void {
    for (const socket of sockets) {
      if (socket.family === 'unix' || !socket.localPort) continue;
      this.ports.delete(socket.localPort);
      this.ports.add(socket.localPort);
    }
    // A Set iterates oldest first: forget the oldest beyond the limit.
    for (const port of this.ports) {
      if (this.ports.size <= this.limit) break;
      this.ports.delete(port);
    }
  }

  /** Ports a program was seen using some other way (strace saw it bind or connect). */
  add(ports: Iterable<number>): void {
    for (const port of ports) {
      if (!Number.isInteger(port) || port <= 0 || port > 65535) continue;
      this.ports.delete(port);
      this.ports.add(port);
    }
    this.remember([]);
  }

  get all(): ReadonlySet<number> {
    return this.ports;
  }
}
