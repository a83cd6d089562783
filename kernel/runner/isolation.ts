/**
 * Isolation: a kernel's commands and TypeScript executor get a
 * network namespace of their own (loopback up) and a private, size-limited
 * /tmp, so two notebooks binding port 31008 or /tmp/my_precious_unix_socket
 * do not collide; and the commands a PID namespace, so kill(-1, SIGKILL) or
 * killall in a student's program reach only this kernel's processes.
 *
 * A holder process (native/c/sockbook-ns.c, `hold`) creates the namespaces
 * and keeps them alive; every helper and the executor start through
 * `sockbook-ns enter HOLDER -- …`, which joins them before exec. The kernel
 * process itself stays outside (its ZeroMQ sockets face the frontend).
 * A PID namespace has a /proc of its own (mounted by its init), in which the
 * helpers inside find their commands; the kernel, outside, sees them all in
 * the machine's /proc, so %ps is unchanged.
 * Only the kernel process configures this: in the executor child the state is
 * empty, and what it starts inherits its namespaces anyway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { nativeArtifact } from '../paths';
import { byteSizeFromEnvironment } from './byte-size';

export type IsolationKind = 'net' | 'tmp' | 'pid';

const KINDS: readonly IsolationKind[] = ['net', 'tmp', 'pid'];
export const DEFAULT_TMP_SIZE = 256 * 1024 ** 2;

/** How long the holder may take to set up before the kernel runs without it. */
const DEFAULT_START_TIMEOUT_MS = 5000;

export interface IsolationStatus {
  /** What was asked for. */
  requested: IsolationKind[];
  /** What is in force (empty when the system refused). */
  active: IsolationKind[];
  /** The process that holds the namespaces, while active. */
  holderPid?: number;
  /** Why (part of) the request is not in force; said once to the user. */
  problem?: string;
}

export interface StartIsolationOptions {
  /** Directories that must stay shared with the kernel (the notebook's): bound into the private /tmp when under it. */
  keep: string[];
  timeoutMs?: number;
}

/** A program to start, maybe wrapped so that it starts inside the kernel's namespaces. */
export interface LaunchCommand {
  file: string;
  args: string[];
}

let holder: ChildProcess | undefined;
let status: IsolationStatus | undefined;


/**
 * Parses `net,tmp,pid` (as given to --isolate or SOCKBOOK_ISOLATE): a comma
 * separated subset of net, tmp and pid; `none` or an empty string ask for nothing.
 */
export function parseIsolation(spec: string): IsolationKind[] {
  const words = spec
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '');
  if (words.length === 1 && words[0] === 'none') return [];
  const kinds = new Set<IsolationKind>();
  for (const word of words) {
    if (!(KINDS as readonly string[]).includes(word)) {
      throw new Error(`unknown isolation '${word}' in '${spec}': use a comma separated list of net, tmp and pid, or none`);
    }
    kinds.add(word as IsolationKind);
  }
  return KINDS.filter((k) => kinds.has(k));
}

function refuse(requested: IsolationKind[], problem: string): IsolationStatus {
  status = { requested, active: [], problem };
  return status;
}

async function realDirectories(dirs: string[]): Promise<string[]> {
  const real = await Promise.all(dirs.map((d) => fs.promises.realpath(d).catch(() => undefined)));
  return [...new Set(real.filter((d): d is string => d !== undefined))];
}

/**
 * Starts the holder and resolves once the namespaces exist. Never rejects:
 * when the system does not allow them, the status says why and commands run
 * unisolated. Spawning is asynchronous; the event loop is never blocked.
 */
export async function startIsolation(kinds: IsolationKind[], options: StartIsolationOptions): Promise<IsolationStatus> {
  if (holder) throw new Error('isolation is already started');
  const requested = [...kinds];
  if (requested.length === 0) {
    status = { requested, active: [] };
    return status;
  }
  const exe = nativeArtifact('sockbook-ns');
  if (!fs.existsSync(exe)) return refuse(requested, `the native helper ${exe} is missing (run "npm run build")`);
  const keep = await realDirectories(options.keep);
  if (requested.includes('tmp') && keep.includes('/tmp')) {
    return refuse(requested, 'the notebook directory is /tmp itself, which a private /tmp would hide');
  }
  const args = ['hold', ...requested.map((k) => `--${k}`), ...keep.flatMap((d) => ['--keep', d])];
  if (requested.includes('tmp')) {
    const size = byteSizeFromEnvironment('SOCKBOOK_TMP_SIZE', DEFAULT_TMP_SIZE, 1024 ** 2);
    if (size !== null) args.push('--tmp-size', String(size));
  }
  // A process group of its own: a Ctrl-C meant for the kernel must not end it.
  const child = spawn(exe, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const timeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;

  const answer = await new Promise<{ ready: true } | { ready: false; why: string }>((resolve) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => resolve({ ready: false, why: `the namespace holder did not start within ${timeoutMs} ms` }), timeoutMs);
    const settle = (result: { ready: true } | { ready: false; why: string }): void => {
      clearTimeout(timer);
      resolve(result);
    };
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const line = out.split('\n')[0];
      if (!out.includes('\n')) return;
      if (line === 'ready') settle({ ready: true });
      else settle({ ready: false, why: line.replace(/^error: /, '') });
    });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      if (err.length < 2048) err += s;
    });
    child.on('error', (e) => settle({ ready: false, why: `cannot start ${exe}: ${e.message}` }));
    child.on('exit', (code, signal) => {
      settle({ ready: false, why: err.trim() || `the namespace holder ended (${signal ?? `exit ${code}`})` });
    });
  });

  if (!answer.ready) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return refuse(requested, answer.why);
  }
  holder = child;
  child.stdin?.on('error', () => undefined);
  // The holder lives until the kernel ends (its stdin closes then) and must not keep Node alive.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  child.once('exit', () => {
    if (holder === child) holder = undefined;
  });
  status = { requested, active: requested, holderPid: child.pid };
  return status;
}

/** The isolation in force in this process, if any was asked for. */
export function isolationStatus(): IsolationStatus | undefined {
  return status;
}

/**
 * How to start file with args so that it runs inside the kernel's namespaces
 * (unchanged when there are none). The wrapper keeps every fd, so pipes and
 * Node's IPC channel still work, and execs file in the same process; with a
 * PID namespace it stays as a relay and file runs in its child (signals are
 * passed on, and the two end together).
 */
export function enterIsolation(file: string, args: string[]): LaunchCommand {
  const h = holder;
  if (!h || h.pid === undefined || h.exitCode !== null || h.signalCode !== null) return { file, args };
  const pid = status?.active.includes('pid') ? ['--pid'] : [];
  return { file: nativeArtifact('sockbook-ns'), args: ['enter', String(h.pid), ...pid, '--', file, ...args] };
}

/**
 * Ends the holder (kernel shutdown). Synchronous, so it also works from a
 * process 'exit' handler. The namespaces go when the last process in them
 * does; the private /tmp is a tmpfs that disappears with them.
 */
export function stopIsolation(): void {
  const child = holder;
  holder = undefined;
  if (status) status = { ...status, active: [], holderPid: undefined };
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
