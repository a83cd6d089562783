// read and write on a socket, tried first with MSG_DONTWAIT: when the socket
// is ready (an epoll server reading what epoll_wait reported) this is the one
// system call, with no fcntl(F_GETFL) before it to learn whether the
// descriptor blocks. Only when it would block (EAGAIN) does the caller ask,
// and wait interruptibly if so. Descriptors that turn out not to be sockets
// are remembered; a stale entry only costs that first try.
import koffi from 'koffi';
import { cfunc } from './koffi-types';
import { constants } from './constants';
import { SyscallError } from './errors';

const recvC = cfunc('ssize_t recv(int fd, void *buf, size_t len, int flags)');
const sendC = cfunc('ssize_t send(int fd, const void *buf, size_t len, int flags)');

/** Descriptors recv/send said ENOTSOCK for. */
const notSockets = new Set<number>();

/** What a try without waiting did not do: the caller takes its waiting path. */
export const WOULD_WAIT = -1;

/** Forgets what was learnt about `fd` (it was closed, or the number now names a new socket). */
export function forgetDescriptor(fd: number): void {
  notSockets.delete(fd);
}

function tryOnce(syscall: 'read' | 'write', fd: number, buf: Uint8Array, count: number): number {
  if (notSockets.has(fd)) return WOULD_WAIT;
  const r = (syscall === 'read' ? recvC(fd, buf, count, constants.MSG_DONTWAIT) : sendC(fd, buf, count, constants.MSG_DONTWAIT)) as number;
  if (r >= 0) return r;
  const errno = koffi.errno();
  if (errno === constants.ENOTSOCK) notSockets.add(fd);
  // EAGAIN: the caller waits if the descriptor blocks, else reports it; EINTR: the caller retries its way.
  else if (errno !== constants.EAGAIN && errno !== constants.EWOULDBLOCK && errno !== constants.EINTR) throw new SyscallError(syscall, errno);
  return WOULD_WAIT;
}

/** read(2) of a socket that does not wait: the byte count, or WOULD_WAIT. Throws SyscallError (ECONNRESET ...). */
export function readNow(fd: number, buf: Uint8Array, count: number): number {
  return tryOnce('read', fd, buf, count);
}

/** write(2) to a socket that does not wait: the byte count (maybe short), or WOULD_WAIT. Throws SyscallError (EPIPE ...). */
export function writeNow(fd: number, buf: Uint8Array, count: number): number {
  return tryOnce('write', fd, buf, count);
}
