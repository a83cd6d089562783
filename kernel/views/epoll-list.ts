// The epoll instances of a process and their interest lists, from
// /proc/PID/fd (links `anon_inode:[eventpoll]`) and /proc/PID/fdinfo/N.
import { readdir, stat } from 'node:fs/promises';
import { readCommandLine, readFdLinks, readProcText } from './proc-files';
import { readStat } from './process-tree';

export interface EpollInterest {
  /** The fd number the program registered (epoll_ctl's third argument). */
  tfd: number;
  /** The events mask as the kernel keeps it (EPOLLERR and EPOLLHUP are always added). */
  events: number;
  /** epoll_event.data, 64 bits (fd, u32, u64 or a pointer). */
  data: bigint;
  /** The registered file's inode (fdinfo's `ino:`). */
  inode: number;
  /** What /proc/PID/fd/TFD links to now; undefined when the fd was closed since. */
  target?: string;
  /** False when fd TFD now refers to another file than the one registered. */
  sameFile: boolean;
}

export interface EpollInstance {
  fd: number;
  interests: EpollInterest[];
}

export interface EpollReport {
  pid: number;
  comm: string;
  state: string;
  commandLine: string;
  instances: EpollInstance[];
}

/** %epoll on a pid that does not exist or whose fds cannot be read. */
export class ProcessLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProcessLookupError';
  }
}

const INTEREST = /^tfd:\s*(\d+)\s+events:\s*([0-9a-f]+)\s+data:\s*([0-9a-f]+)(?:.*?\bino:\s*([0-9a-f]+))?/gim;

/** The interest lines of an epoll fd's fdinfo. */
export function parseEpollFdinfo(text: string): Omit<EpollInterest, 'target' | 'sameFile'>[] {
  return [...text.matchAll(INTEREST)].map((m) => ({
    tfd: Number(m[1]),
    events: parseInt(m[2] ?? '0', 16),
    data: BigInt(`0x${m[3] ?? '0'}`),
    inode: parseInt(m[4] ?? '0', 16),
  }));
}

export async function readEpollInstances(pid: number): Promise<EpollReport> {
  const process = await readStat(pid);
  if (!process) throw new ProcessLookupError(`no process with pid ${pid} (or it is not visible from this kernel's pid namespace)`);
  try {
    await readdir(`/proc/${pid}/fd`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ProcessLookupError(`pid ${pid} exited`);
    throw new ProcessLookupError(`cannot read the fds of pid ${pid} (${code ?? String(error)}): it belongs to another user`);
  }
  const links = await readFdLinks(pid);
  const epollFds = [...links].filter(([, link]) => link === 'anon_inode:[eventpoll]').map(([fd]) => fd);
  const instances = await Promise.all(
    epollFds.map(async (fd): Promise<EpollInstance> => {
      const parsed = parseEpollFdinfo((await readProcText(`/proc/${pid}/fdinfo/${fd}`)) ?? '');
      const interests = await Promise.all(
        parsed.map(async (interest): Promise<EpollInterest> => {
          const target = links.get(interest.tfd);
          const inode = target === undefined ? undefined : await stat(`/proc/${pid}/fd/${interest.tfd}`).then((s) => s.ino, () => undefined);
          return { ...interest, target, sameFile: target !== undefined && (inode === undefined || interest.inode === 0 || inode === interest.inode) };
        }),
      );
      return { fd, interests: interests.sort((a, b) => a.tfd - b.tfd) };
    }),
  );
  return { pid, comm: process.comm, state: process.state, commandLine: await readCommandLine(pid, process.comm), instances };
}
