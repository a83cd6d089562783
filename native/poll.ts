// poll(2), interruptible like the other blocking calls.
import koffi from 'koffi';
import { cfunc } from './koffi-types';
import { failSync, onlySigint } from './interrupt';

const ppollC = cfunc('int ppoll(void *fds, nfds_t nfds, const timespec *timeout, const void *sigmask)');

const pollfdSize = koffi.sizeof('pollfd');
const reventsOffset = koffi.offsetof('pollfd', 'revents');

/** A struct pollfd: the fd, the events of interest (POLLIN, POLLOUT ...) and, after poll, the ready ones. */
export interface Pollfd {
  fd: number;
  events: number;
  revents?: number;
}

/**
 * poll(2): waits up to `timeout` ms (-1: forever) until one of `fds` is
 * ready; sets each entry's `revents` and returns how many are ready (0 on
 * timeout). Interruptible by SIGINT (KeyboardInterrupt).
 */
export function poll(fds: Pollfd[], timeout: number): number {
  if (!Array.isArray(fds)) throw new TypeError('poll: fds must be an array of { fd, events }');
  const buf = Buffer.alloc(pollfdSize * Math.max(1, fds.length));
  fds.forEach((p, i) => koffi.encode(buf, i * pollfdSize, 'pollfd', { fd: p.fd, events: p.events, revents: 0 }));
  const tmo = timeout < 0 ? null : { tv_sec: Math.floor(timeout / 1000), tv_nsec: (timeout % 1000) * 1e6 };
  const n = ppollC(buf, fds.length, tmo, onlySigint) as number;
  if (n < 0) failSync('poll', koffi.errno());
  fds.forEach((p, i) => (p.revents = koffi.decode(buf, i * pollfdSize + reventsOffset, 'short') as number));
  return n;
}
