// Sockets: socket/bind/listen/accept4/connect/send/recv and socket options.
import koffi from 'koffi';
import { cfunc } from './koffi-types';
import { constants } from './constants';
import { check, SyscallError } from './errors';
import { byteCount, type Bytes } from './fileio';
import { forgetDescriptor } from './dontwait';
import { callAsync, failSync, fcntlIntC, isBlocking, waitFor, waitForAsync, type AsyncResult } from './interrupt';
import { addressArgs, Sockaddr, sockaddrStorage, type SockaddrLike } from './sockaddr';

const socketC = cfunc('int socket(int domain, int type, int protocol)');
const socketpairC = cfunc('int socketpair(int domain, int type, int protocol, _Out_ int *sv)');
const bindC = cfunc('int bind(int fd, const void *addr, socklen_t addrlen)');
const listenC = cfunc('int listen(int fd, int backlog)');
const accept4C = cfunc('int accept4(int fd, void *addr, _Inout_ socklen_t *addrlen, int flags)');
const connectC = cfunc('int connect(int fd, const void *addr, socklen_t addrlen)');
const shutdownC = cfunc('int shutdown(int fd, int how)');
const sendC = cfunc('ssize_t send(int fd, const void *buf, size_t len, int flags)');
const recvC = cfunc('ssize_t recv(int fd, void *buf, size_t len, int flags)');
const sendtoC = cfunc('ssize_t sendto(int fd, const void *buf, size_t len, int flags, const void *dest, socklen_t addrlen)');
const recvfromC = cfunc('ssize_t recvfrom(int fd, void *buf, size_t len, int flags, void *src, _Inout_ socklen_t *addrlen)');
const setsockoptC = cfunc('int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)');
const getsockoptC = cfunc('int getsockopt(int fd, int level, int optname, void *optval, _Inout_ socklen_t *optlen)');
const getsocknameC = cfunc('int getsockname(int fd, void *addr, _Inout_ socklen_t *addrlen)');
const getpeernameC = cfunc('int getpeername(int fd, void *addr, _Inout_ socklen_t *addrlen)');

/** A descriptor a binding just made: what was learnt about an earlier one of that number no longer holds. */
function fresh(fd: number): number {
  forgetDescriptor(fd);
  return fd;
}

/**
 * socket(2): creates a socket. `domain` AF_INET/AF_INET6/AF_UNIX, `type`
 * SOCK_STREAM/SOCK_DGRAM (may be or-ed with SOCK_NONBLOCK, SOCK_CLOEXEC),
 * `protocol` usually 0. Returns the fd. Throws SyscallError (EAFNOSUPPORT ...).
 */
export function socket(domain: number, type: number, protocol = 0): number {
  return fresh(check('socket', socketC(domain, type, protocol) as number));
}

/** socketpair(2): two connected sockets (AF_UNIX). Returns [fd0, fd1]. */
export function socketpair(domain: number, type: number, protocol = 0): [number, number] {
  const sv = [-1, -1];
  check('socketpair', socketpairC(domain, type, protocol, sv) as number);
  return [fresh(sv[0]), fresh(sv[1])];
}

/**
 * bind(2): gives the socket a local address, e.g. `bind(fd, sockaddr("127.0.0.1:0"))`.
 * Throws SyscallError: EADDRINUSE, EACCES, EINVAL (already bound) ...
 */
export function bind(fd: number, addr: SockaddrLike): number {
  const [buf, len] = addressArgs(addr);
  return check('bind', bindC(fd, buf, len) as number);
}

/** listen(2): marks a stream socket as accepting connections, with a queue of `backlog` (default SOMAXCONN). */
export function listen(fd: number, backlog: number = constants.SOMAXCONN): number {
  return check('listen', listenC(fd, backlog) as number);
}

function acceptOnce(fd: number, peer: Sockaddr | null, flags: number): { result: number; errno: number } {
  const len = [peer ? peer.buffer.length : 0];
  const result = accept4C(fd, peer ? peer.buffer : null, peer ? len : null, flags) as number;
  const errno = koffi.errno();
  if (result >= 0) {
    forgetDescriptor(result);
    if (peer) peer.len = len[0];
  }
  return { result, errno };
}

/**
 * accept4(2): takes the next connection from a listening socket and returns
 * its fd. If `peer` is given (e.g. `sockaddrStorage()`) it receives the
 * client's address. `flags`: SOCK_NONBLOCK, SOCK_CLOEXEC. On a blocking socket
 * it waits and can be interrupted (KeyboardInterrupt). Throws SyscallError
 * (EAGAIN on a non-blocking socket with no pending connection, EINVAL if not listening).
 */
export function accept4(fd: number, peer: Sockaddr | null = null, flags = 0): number {
  if (isBlocking(fd, 'accept4')) waitFor(fd, constants.POLLIN, 'accept4');
  const { result, errno } = acceptOnce(fd, peer, flags);
  if (result < 0) failSync('accept4', errno);
  return result;
}

/** accept4 without blocking the event loop: resolves to the new fd (see accept4, read_async). */
export async function accept4_async(fd: number, peer: Sockaddr | null = null, flags = 0): Promise<number> {
  for (;;) {
    await waitForAsync(fd, constants.POLLIN, 'accept4');
    const len = [peer ? peer.buffer.length : 0];
    const { result, errno } = await callAsync(accept4C, fd, peer ? peer.buffer : null, peer ? len : null, flags);
    if (result >= 0) {
      if (peer) peer.len = len[0];
      return fresh(result);
    }
    if (errno !== constants.EAGAIN && errno !== constants.EINTR) throw new SyscallError('accept4', errno);
  }
}

/** The pending error of a socket whose non-blocking connect finished (SO_ERROR), 0 if it succeeded. */
function socketError(fd: number): number {
  return getsockopt(fd, constants.SOL_SOCKET, constants.SO_ERROR);
}

/** Makes a socket non-blocking for a connect that waits interruptibly; returns the flags to restore. */
function setNonBlocking(fd: number): number {
  const flags = check('connect', fcntlIntC(fd, constants.F_GETFL, 0) as number);
  fcntlIntC(fd, constants.F_SETFL, flags | constants.O_NONBLOCK);
  return flags;
}

/** One connect(2) try: 0 when connected, else its errno. */
function tryConnect(fd: number, buf: unknown, len: number): number {
  return (connectC(fd, buf, len) as number) === 0 ? 0 : koffi.errno();
}

/** How a connect that was in progress ended, once the socket is writable: 0, or its error thrown. */
function finishConnect(fd: number): 0 {
  const err = socketError(fd);
  if (err !== 0) throw new SyscallError('connect', err);
  return 0;
}

/**
 * connect(2): connects a socket to `addr`, e.g. `connect(fd, sockaddr("127.0.0.1:31008"))`.
 * On a blocking socket it waits for the handshake and can be interrupted
 * (KeyboardInterrupt). On a non-blocking socket it throws EINPROGRESS as C
 * returns it (wait for EPOLLOUT, then check getsockopt(SO_ERROR)). Throws
 * SyscallError: ECONNREFUSED, ENOENT (unix path), ETIMEDOUT ...
 */
export function connect(fd: number, addr: SockaddrLike): number {
  const [buf, len] = addressArgs(addr);
  if (!isBlocking(fd, 'connect')) return check('connect', connectC(fd, buf, len) as number);
  // A blocking connect would be restarted after SIGINT (SA_RESTART); connect
  // non-blocking instead and wait interruptibly, then restore the flags.
  const flags = setNonBlocking(fd);
  try {
    for (;;) {
      const errno = tryConnect(fd, buf, len);
      if (errno === 0) return 0;
      if (errno === constants.EINPROGRESS) {
        waitFor(fd, constants.POLLOUT, 'connect');
        return finishConnect(fd);
      }
      if (errno !== constants.EAGAIN) failSync('connect', errno); // unix sockets say EAGAIN when the backlog is full
      waitFor(fd, constants.POLLOUT, 'connect');
    }
  } finally {
    fcntlIntC(fd, constants.F_SETFL, flags);
  }
}

/** connect without blocking the event loop (the socket is made non-blocking for the wait, then restored). */
export async function connect_async(fd: number, addr: SockaddrLike): Promise<number> {
  const [buf, len] = addressArgs(addr);
  const flags = setNonBlocking(fd);
  try {
    for (;;) {
      const errno = tryConnect(fd, buf, len);
      if (errno === 0) return 0;
      if (errno !== constants.EINPROGRESS && errno !== constants.EAGAIN) throw new SyscallError('connect', errno);
      await waitForAsync(fd, constants.POLLOUT, 'connect');
      if (errno === constants.EINPROGRESS) return finishConnect(fd);
    }
  } finally {
    fcntlIntC(fd, constants.F_SETFL, flags);
  }
}

/** shutdown(2): ends reading (SHUT_RD), writing (SHUT_WR: the peer reads EOF) or both (SHUT_RDWR). */
export function shutdown(fd: number, how: number): number {
  return check('shutdown', shutdownC(fd, how) as number);
}

/**
 * send(2): sends up to `len` bytes of `data` (a string is sent as UTF-8) on a
 * connected socket; returns the count sent. `flags`: MSG_NOSIGNAL,
 * MSG_DONTWAIT ... On a blocking socket it first waits to be writable (interruptible).
 */
export function send(fd: number, data: Bytes | string, len?: number, flags = 0): number {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const n = byteCount('send', buf, len);
  if (isBlocking(fd, 'send')) waitFor(fd, constants.POLLOUT, 'send');
  const r = sendC(fd, buf, n, flags) as number;
  if (r < 0) failSync('send', koffi.errno());
  return r;
}

/**
 * recv(2): receives up to `len` bytes into `buf`; returns the count, 0 when
 * the peer has shut down. `flags`: MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL ...
 * On a blocking socket it waits and can be interrupted (KeyboardInterrupt).
 */
export function recv(fd: number, buf: Bytes, len?: number, flags = 0): number {
  const n = byteCount('recv', buf, len);
  if (isBlocking(fd, 'recv') && (flags & constants.MSG_DONTWAIT) === 0) waitFor(fd, constants.POLLIN, 'recv');
  const r = recvC(fd, buf, n, flags) as number;
  if (r < 0) failSync('recv', koffi.errno());
  return r;
}

/** recv without blocking the event loop (see recv, read_async). */
export async function recv_async(fd: number, buf: Bytes, len?: number, flags = 0): Promise<number> {
  const n = byteCount('recv', buf, len);
  for (;;) {
    await waitForAsync(fd, constants.POLLIN, 'recv');
    const { result, errno } = await callAsync(recvC, fd, buf, n, flags | constants.MSG_DONTWAIT);
    if (result >= 0) return result;
    if (errno !== constants.EAGAIN && errno !== constants.EINTR) throw new SyscallError('recv', errno);
  }
}

/**
 * sendto(2): sends a datagram of up to `len` bytes of `data` to `dest`
 * (e.g. `sockaddr("127.0.0.1:31009")`); returns the count sent.
 */
export function sendto(fd: number, data: Bytes | string, len: number | undefined, flags: number, dest: SockaddrLike): number {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const n = byteCount('sendto', buf, len);
  const [addr, addrlen] = addressArgs(dest);
  if (isBlocking(fd, 'sendto')) waitFor(fd, constants.POLLOUT, 'sendto');
  const r = sendtoC(fd, buf, n, flags, addr, addrlen) as number;
  if (r < 0) failSync('sendto', koffi.errno());
  return r;
}

function recvfromOnce(fd: number, buf: Bytes, n: number, flags: number, from: Sockaddr | null): { result: number; errno: number } {
  const len = [from ? from.buffer.length : 0];
  const result = recvfromC(fd, buf, n, flags, from ? from.buffer : null, from ? len : null) as number;
  const errno = koffi.errno();
  if (result >= 0 && from) from.len = len[0];
  return { result, errno };
}

/**
 * recvfrom(2): receives a datagram of up to `len` bytes into `buf`; if `from`
 * is given (e.g. `sockaddrStorage()`) it receives the sender's address.
 * Returns the count. On a blocking socket it waits and can be interrupted.
 */
export function recvfrom(fd: number, buf: Bytes, len: number | undefined, flags = 0, from: Sockaddr | null = null): number {
  const n = byteCount('recvfrom', buf, len);
  if (isBlocking(fd, 'recvfrom') && (flags & constants.MSG_DONTWAIT) === 0) waitFor(fd, constants.POLLIN, 'recvfrom');
  const { result, errno } = recvfromOnce(fd, buf, n, flags, from);
  if (result < 0) failSync('recvfrom', errno);
  return result;
}

/** recvfrom without blocking the event loop (see recvfrom, read_async). */
export async function recvfrom_async(fd: number, buf: Bytes, len: number | undefined, flags = 0, from: Sockaddr | null = null): Promise<number> {
  const n = byteCount('recvfrom', buf, len);
  for (;;) {
    await waitForAsync(fd, constants.POLLIN, 'recvfrom');
    const addrlen = [from ? from.buffer.length : 0];
    const r: AsyncResult = await callAsync(recvfromC, fd, buf, n, flags | constants.MSG_DONTWAIT, from ? from.buffer : null, from ? addrlen : null);
    if (r.result >= 0) {
      if (from) from.len = addrlen[0];
      return r.result;
    }
    if (r.errno !== constants.EAGAIN && r.errno !== constants.EINTR) throw new SyscallError('recvfrom', r.errno);
  }
}

/**
 * setsockopt(2): sets a socket option. A number is passed as a C int (e.g.
 * `setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1)`); a Buffer is passed as is
 * (struct options such as SO_LINGER).
 */
export function setsockopt(fd: number, level: number, optname: number, value: number | Buffer): number {
  const buf = typeof value === 'number' ? Buffer.from(new Int32Array([value]).buffer) : value;
  return check('setsockopt', setsockoptC(fd, level, optname, buf, buf.length) as number);
}

/** getsockopt(2) for an int option (SO_REUSEADDR, SO_ERROR, SO_TYPE, SO_RCVBUF ...): returns its value. */
export function getsockopt(fd: number, level: number, optname: number): number {
  const value = new Int32Array(1);
  const len = [4];
  check('getsockopt', getsockoptC(fd, level, optname, value, len) as number);
  return value[0];
}

/** getsockname(2): the socket's local address (e.g. the port the kernel chose after binding port 0). */
export function getsockname(fd: number): Sockaddr {
  const addr = sockaddrStorage();
  const len = [addr.buffer.length];
  check('getsockname', getsocknameC(fd, addr.buffer, len) as number);
  addr.len = len[0];
  return addr;
}

/** getpeername(2): the address of the connected peer. Throws ENOTCONN if not connected. */
export function getpeername(fd: number): Sockaddr {
  const addr = sockaddrStorage();
  const len = [addr.buffer.length];
  check('getpeername', getpeernameC(fd, addr.buffer, len) as number);
  addr.len = len[0];
  return addr;
}
