// epoll(7): epoll_create1, epoll_ctl, epoll_wait (sync, interruptible, and async).
import koffi from 'koffi';
import { cfunc } from './koffi-types';
import { constants } from './constants';
import { check, SyscallError } from './errors';
import { callAsync, failSync, interruptCount, loopTurned, loopTurnedLately, onlySigint, sliced, turnLoop } from './interrupt';

const epollCreate1C = cfunc('int epoll_create1(int flags)');
const epollCtlC = cfunc('int epoll_ctl(int epfd, int op, int fd, void *event)');
const epollWaitC = cfunc('int epoll_wait(int epfd, void *events, int maxevents, int timeout)');
const epollPwaitC = cfunc('int epoll_pwait(int epfd, void *events, int maxevents, int timeout, const void *sigmask)');

const eventSize = koffi.sizeof('epoll_event');
const dataOffset = koffi.offsetof('epoll_event', 'data');

/** The epoll_data union of an event, seen through each of its members. */
export interface EpollData {
  fd: number;
  u32: number;
  u64: bigint;
}

/** A struct epoll_event as epoll_wait reports it. */
export interface EpollEvent {
  /** The ready events (EPOLLIN | EPOLLOUT | EPOLLRDHUP ...); name them with epollEvents(). */
  events: number;
  data: EpollData;
}

/** What epoll_ctl registers: the events of interest and one member of the data union (default: `{ fd }`). */
export interface EpollEventInit {
  events: number;
  data?: { fd: number } | { u32: number } | { u64: bigint | number };
}

function encodeEvent(event: EpollEventInit, fd: number): Buffer {
  const buf = Buffer.alloc(eventSize);
  koffi.encode(buf, 0, 'uint32_t', event.events >>> 0); // >>> 0: EPOLLET is bit 31, negative after JS `|`
  const data = event.data ?? { fd };
  if ('fd' in data) koffi.encode(buf, dataOffset, 'int', data.fd);
  else if ('u32' in data) koffi.encode(buf, dataOffset, 'uint32_t', data.u32 >>> 0);
  else if ('u64' in data) koffi.encode(buf, dataOffset, 'uint64_t', BigInt(data.u64));
  else throw new TypeError('epoll_ctl: event.data must have one of fd, u32, u64');
  return buf;
}

/**
 * Reads the ready events from the kernel's array with Buffer's own readers: on
 * the echo server's path (an epoll_wait per request) koffi.decode's four calls
 * per event cost more than the system call itself.
 */
function decodeEvents(buf: Buffer, count: number, into: EpollEvent[]): void {
  into.length = 0;
  for (let i = 0; i < count; i++) {
    const at = i * eventSize;
    into.push({
      events: buf.readUInt32LE(at),
      data: { fd: buf.readInt32LE(at + dataOffset), u32: buf.readUInt32LE(at + dataOffset), u64: buf.readBigUInt64LE(at + dataOffset) },
    });
  }
}

/** The array a synchronous epoll_wait fills, kept between calls (grown when a call wants more events). */
let syncEvents = Buffer.alloc(0);

function syncEventBuffer(maxevents: number): Buffer {
  if (syncEvents.length < eventSize * maxevents) syncEvents = Buffer.alloc(eventSize * maxevents);
  return syncEvents;
}

/** Arrays for epoll_wait_async, reused once a wait has been decoded (several waits may be pending at once). */
const freeAsyncEvents: Buffer[] = [];

function takeAsyncEventBuffer(maxevents: number): Buffer {
  const found = freeAsyncEvents.findIndex((b) => b.length >= eventSize * maxevents);
  return found >= 0 ? freeAsyncEvents.splice(found, 1)[0] : Buffer.alloc(eventSize * maxevents);
}

function giveBackAsyncEventBuffer(buf: Buffer): void {
  if (freeAsyncEvents.length < 4) freeAsyncEvents.push(buf);
}

function checkArgs(events: EpollEvent[], maxevents: number): void {
  if (!Array.isArray(events)) throw new TypeError('epoll_wait: events must be an array (it is filled with the ready events)');
  if (!Number.isInteger(maxevents) || maxevents <= 0) throw new RangeError(`epoll_wait: maxevents must be a positive integer, got ${maxevents}`);
}

/** epoll_create1(2): creates an epoll instance and returns its fd. `flags`: 0 or EPOLL_CLOEXEC. */
export function epoll_create1(flags = 0): number {
  return check('epoll_create1', epollCreate1C(flags) as number);
}

/**
 * epoll_ctl(2): adds (EPOLL_CTL_ADD), changes (EPOLL_CTL_MOD) or removes
 * (EPOLL_CTL_DEL, `event` may be null) `fd` in the interest list of `epfd`.
 * `event.events`: EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET ...; `event.data`
 * defaults to `{ fd }`. Throws SyscallError: EEXIST, ENOENT, EPERM (regular file) ...
 */
export function epoll_ctl(epfd: number, op: number, fd: number, event: EpollEventInit | null = null): number {
  const buf = event ? encodeEvent(event, fd) : null;
  return check('epoll_ctl', epollCtlC(epfd, op, fd, buf) as number);
}

/**
 * epoll_wait(2): waits up to `timeout` ms (-1: forever, 0: just look) for
 * events on `epfd`; fills `events` (emptied first) with at most `maxevents`
 * ready events and returns their count (0 on timeout). The wait can be
 * interrupted by SIGINT (throws KeyboardInterrupt). Blocks the event loop;
 * see epoll_wait_async.
 */
export function epoll_wait(epfd: number, events: EpollEvent[], maxevents: number, timeout: number): number {
  checkArgs(events, maxevents);
  const buf = syncEventBuffer(maxevents);
  const n = epollPwaitC(epfd, buf, maxevents, timeout, onlySigint) as number;
  if (n < 0) failSync('epoll_wait', koffi.errno());
  decodeEvents(buf, n, events);
  return n;
}

/** How long epoll_wait_async keeps looking from the event loop before it waits on a worker thread. */
const LOOK_WINDOW_MS = 0.1;

/** epoll_wait with timeout 0 on this thread, into the synchronous array: the ready count (0 if none). */
function lookNow(epfd: number, events: EpollEvent[], maxevents: number): number {
  const buf = syncEventBuffer(maxevents);
  const n = epollWaitC(epfd, buf, maxevents, 0) as number;
  if (n < 0) {
    const errno = koffi.errno();
    if (errno !== constants.EINTR) throw new SyscallError('epoll_wait', errno);
    return 0;
  }
  decodeEvents(buf, n, events);
  return n;
}

/**
 * epoll_wait without blocking the event loop. Resolves to the count (and
 * fills `events`) like epoll_wait; rejects with KeyboardInterrupt after
 * interruptPendingCalls(), SyscallError on failure. It looks first (timeout
 * 0) on this thread, then again from each turn of the event loop for a fraction
 * of a millisecond (a server's next request usually comes that soon), and only
 * then waits on a worker thread, in slices of at most 100 ms: handing a wait to
 * a worker and its result back costs two thread wake-ups, more than a request.
 */
export async function epoll_wait_async(epfd: number, events: EpollEvent[], maxevents: number, timeout: number): Promise<number> {
  checkArgs(events, maxevents);
  if (loopTurnedLately()) {
    const n = lookNow(epfd, events, maxevents);
    if (n > 0 || timeout === 0) return n;
  }
  let looked = false;
  const interrupts = interruptCount();
  return sliced(
    'epoll_wait',
    timeout,
    async (sliceMs) => {
      if (!looked) {
        looked = true;
        const until = performance.now() + Math.min(LOOK_WINDOW_MS, sliceMs);
        do {
          await turnLoop();
          // An interrupt during the turn: sliced() throws KeyboardInterrupt, even if events are ready.
          if (interruptCount() !== interrupts) return undefined;
          const n = lookNow(epfd, events, maxevents);
          if (n > 0) return n;
        } while (performance.now() < until);
        return undefined;
      }
      const buf = takeAsyncEventBuffer(maxevents);
      const { result, errno } = await callAsync(epollWaitC, epfd, buf, maxevents, sliceMs);
      loopTurned();
      try {
        if (result < 0) {
          if (errno === constants.EINTR) return undefined;
          throw new SyscallError('epoll_wait', errno);
        }
        if (result === 0) return undefined;
        decodeEvents(buf, result, events);
        return result;
      } finally {
        giveBackAsyncEventBuffer(buf);
      }
    },
    () => {
      events.length = 0;
      return 0;
    },
  );
}
