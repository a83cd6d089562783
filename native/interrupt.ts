// Making blocking calls interruptible.
//
// Synchronous form: Node installs its signal handlers with SA_RESTART, so a
// SIGINT arriving during read()/accept() would be handled and the call
// silently restarted. poll-family calls are never restarted, so a blocking
// call first waits with ppoll()/epoll_pwait(), with every signal but SIGINT
// blocked for the duration of the wait: an EINTR there can only be SIGINT,
// and becomes a KeyboardInterrupt. (Other signals stay pending, or go to
// another thread, and are handled as usual.)
//
// Asynchronous form: the call runs on koffi's worker threads in slices of at
// most SLICE_MS; between slices the promise checks whether
// interruptPendingCalls() was called since it started, and rejects with
// KeyboardInterrupt if so.
import koffi from 'koffi';
import { cfunc, type CFunction } from './koffi-types';
import { constants } from './constants';
import { callInterrupted } from '../kernel/base/keyboard-interrupt';
import { KeyboardInterrupt, SyscallError } from './errors';

/** The longest a worker-thread slice of an async call blocks, so an interrupt is seen within it. */
export const SLICE_MS = 100;

const sigfillset = cfunc('int sigfillset(void *set)');
const sigdelset = cfunc('int sigdelset(void *set, int signo)');
const ppoll = cfunc('int ppoll(void *fds, nfds_t nfds, const timespec *timeout, const void *sigmask)');
const pollC = cfunc('int poll(void *fds, nfds_t nfds, int timeout)');
/**
 * fcntl(2) with an int argument, declared without the `...`: koffi builds a
 * variadic call anew each time (parsing the argument types), which cost more
 * than the system call; on the Linux ABIs an int passed to a variadic
 * parameter travels as it does to a fixed one.
 */
export const fcntlIntC = cfunc('int fcntl(int fd, int cmd, int arg)');

/** The signal mask in force during a synchronous wait: everything blocked except SIGINT. */
export const onlySigint: Buffer = (() => {
  const set = Buffer.alloc(koffi.sizeof('sigset_t'));
  sigfillset(set);
  sigdelset(set, constants.SIGINT);
  return set;
})();

const pollfdSize = koffi.sizeof('pollfd');
const reventsOffset = koffi.offsetof('pollfd', 'revents');

function pollfd(fd: number, events: number): Buffer {
  const buf = Buffer.alloc(pollfdSize);
  koffi.encode(buf, 0, 'pollfd', { fd, events, revents: 0 });
  return buf;
}

/** True if the descriptor is in blocking mode (no O_NONBLOCK); throws EBADF for a bad fd. */
export function isBlocking(fd: number, syscall: string): boolean {
  const flags = fcntlIntC(fd, constants.F_GETFL, 0) as number;
  if (flags < 0) throw new SyscallError(syscall, koffi.errno());
  return (flags & constants.O_NONBLOCK) === 0;
}

/** A struct pollfd: the fd, the events of interest (POLLIN, POLLOUT ...) and, after the wait, the ready ones. */
export interface PollEntry {
  fd: number;
  events: number;
  revents?: number;
}

/**
 * ppoll(2) with only SIGINT unblocked: waits up to `timeoutMs` (-1: forever)
 * until one of `entries` is ready, sets each entry's `revents` and returns how
 * many are ready. EINTR is a KeyboardInterrupt; `syscall` names the call the
 * wait belongs to, for errors.
 */
export function pollSync(entries: PollEntry[], timeoutMs: number, syscall: string): number {
  const buf = Buffer.alloc(pollfdSize * Math.max(1, entries.length));
  entries.forEach((e, i) => koffi.encode(buf, i * pollfdSize, 'pollfd', { fd: e.fd, events: e.events, revents: 0 }));
  const timeout = timeoutMs < 0 ? null : { tv_sec: Math.floor(timeoutMs / 1000), tv_nsec: (timeoutMs % 1000) * 1e6 };
  const n = ppoll(buf, entries.length, timeout, onlySigint) as number;
  if (n < 0) failSync(syscall, koffi.errno());
  entries.forEach((e, i) => (e.revents = koffi.decode(buf, i * pollfdSize + reventsOffset, 'short') as number));
  return n;
}

/**
 * Waits without a timeout until `fd` has one of `events` (POLLIN, POLLOUT),
 * interruptible by SIGINT. Returns the revents.
 */
export function waitFor(fd: number, events: number, syscall: string): number {
  const entry: PollEntry = { fd, events };
  pollSync([entry], -1, syscall);
  return entry.revents ?? 0;
}

/** Throws KeyboardInterrupt if a synchronous call failed with EINTR, else SyscallError. */
export function failSync(syscall: string, errno: number): never {
  if (errno === constants.EINTR) throw new KeyboardInterrupt(callInterrupted(syscall));
  throw new SyscallError(syscall, errno);
}

// ---- async calls ----------------------------------------------------------

let generation = 0;
let pending = 0;

/**
 * Interrupts every async call in progress (epoll_wait_async, accept4_async,
 * read_async, ...): each rejects with KeyboardInterrupt within SLICE_MS.
 * Calls started afterwards are not affected. The executor calls this from its
 * SIGINT listener. Returns how many calls were pending.
 */
export function interruptPendingCalls(): number {
  generation++;
  return pending;
}

/** How many times interruptPendingCalls() has been called: a call compares it before and after it let the event loop turn. */
export function interruptCount(): number {
  return generation;
}

/** How many async libc calls are in progress. */
export function pendingCallCount(): number {
  return pending;
}

/** What one koffi call on a worker thread returned, with the errno it left there. */
export interface AsyncResult {
  result: number;
  errno: number;
}

/** Runs a koffi function on a worker thread. */
export function callAsync(fn: CFunction, ...args: unknown[]): Promise<AsyncResult> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (err: unknown, result: unknown) => {
      const errno = koffi.errno(); // the worker's errno, as koffi hands it to this callback
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve({ result: Number(result), errno });
    });
  });
}

/**
 * The loop behind every async call: `attempt(sliceMs)` runs one bounded
 * slice on a worker thread and returns the final value, or undefined to try
 * again. `timeoutMs` < 0 means no limit; when it runs out, `onTimeout()` is
 * the result. Rejects with KeyboardInterrupt after interruptPendingCalls().
 */
export async function sliced<T>(
  syscall: string,
  timeoutMs: number,
  attempt: (sliceMs: number) => Promise<T | undefined>,
  onTimeout: () => T,
): Promise<T> {
  const started = generation;
  const deadline = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
  pending++;
  try {
    for (;;) {
      if (generation !== started) throw new KeyboardInterrupt(callInterrupted(syscall));
      const left = deadline - Date.now();
      const value = await attempt(Math.max(0, Math.min(SLICE_MS, left)));
      if (value !== undefined) return value;
      if (generation !== started) throw new KeyboardInterrupt(callInterrupted(syscall));
      if (Date.now() >= deadline) return onTimeout();
    }
  } finally {
    pending--;
  }
}

/** A run of async calls that each found their descriptor ready at once still lets the event loop turn this often. */
const TURN_EVERY_MS = 5;
/** When an async call last let the event loop turn (timers, I/O, the SIGINT listener that interrupts). */
let lastTurn = 0;

/** True if an async call may finish without letting the event loop turn first. */
export function loopTurnedLately(): boolean {
  return performance.now() - lastTurn < TURN_EVERY_MS;
}

/** Notes that the event loop has just turned (a worker thread's result came back through it). */
export function loopTurned(): void {
  lastTurn = performance.now();
}

/** Resolves after one turn of the event loop (its timers and I/O run meanwhile). */
export function turnLoop(): Promise<void> {
  return new Promise((resolve) =>
    setImmediate(() => {
      loopTurned();
      resolve();
    }),
  );
}

/**
 * Waits on a worker thread, in slices, until `fd` has one of `events`.
 * Resolves to the revents; rejects on interrupt or a poll error. A descriptor
 * that is ready already is seen with a poll on this thread (timeout 0), without
 * the two thread hops of a worker's wait.
 */
export async function waitForAsync(fd: number, events: number, syscall: string): Promise<number> {
  if (loopTurnedLately()) {
    const buf = pollfd(fd, events);
    if ((pollC(buf, 1, 0) as number) > 0) return koffi.decode(buf, reventsOffset, 'short') as number;
  }
  return sliced(
    syscall,
    -1,
    async (sliceMs) => {
      const buf = pollfd(fd, events);
      const { result, errno } = await callAsync(pollC, buf, 1, sliceMs);
      loopTurned();
      if (result < 0) {
        if (errno === constants.EINTR) return undefined;
        throw new SyscallError(syscall, errno);
      }
      return result > 0 ? (koffi.decode(buf, reventsOffset, 'short') as number) : undefined;
    },
    () => 0,
  );
}
