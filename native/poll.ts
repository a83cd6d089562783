// poll(2), interruptible like the other blocking calls.
import { pollSync, type PollEntry } from './interrupt';

/** A struct pollfd: the fd, the events of interest (POLLIN, POLLOUT ...) and, after poll, the ready ones. */
export type Pollfd = PollEntry;

/**
 * poll(2): waits up to `timeout` ms (-1: forever) until one of `fds` is
 * ready; sets each entry's `revents` and returns how many are ready (0 on
 * timeout). Interruptible by SIGINT (KeyboardInterrupt).
 */
export function poll(fds: Pollfd[], timeout: number): number {
  if (!Array.isArray(fds)) throw new TypeError('poll: fds must be an array of { fd, events }');
  return pollSync(fds, timeout, 'poll');
}
