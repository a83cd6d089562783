// Small asynchronous readers of /proc: every one resolves to undefined when
// the process (or fd) went away meanwhile, which is normal for a snapshot of
// a live system; nothing here blocks the event loop.
import { readFile, readdir, readlink } from 'node:fs/promises';

export async function readProcText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

export async function readProcLink(file: string): Promise<string | undefined> {
  try {
    return await readlink(file);
  } catch {
    return undefined;
  }
}

export async function listProcDir(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch {
    return undefined;
  }
}

/** Every numeric entry of /proc: the pids visible to this process. */
export async function listPids(): Promise<number[]> {
  const entries = (await listProcDir('/proc')) ?? [];
  return entries.filter((name) => /^\d+$/.test(name)).map(Number);
}

/** The fds a process has open, with what each points to (`socket:[123]`, `pipe:[4]`, a path …). */
export async function readFdLinks(pid: number): Promise<Map<number, string>> {
  const fds = (await listProcDir(`/proc/${pid}/fd`)) ?? [];
  const links = await Promise.all(fds.map(async (fd) => [Number(fd), await readProcLink(`/proc/${pid}/fd/${fd}`)] as const));
  const out = new Map<number, string>();
  for (const [fd, link] of links.sort((a, b) => a[0] - b[0])) if (link !== undefined) out.set(fd, link);
  return out;
}

/** The command line as `ps` shows it: arguments joined by spaces, `[comm]` when there is none (zombies, kernel threads). */
export async function readCommandLine(pid: number, comm: string): Promise<string> {
  const raw = await readProcText(`/proc/${pid}/cmdline`);
  const args = (raw ?? '').split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
  return args.length > 0 ? args.join(' ') : `[${comm}]`;
}
