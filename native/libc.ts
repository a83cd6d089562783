// The `libc` object TypeScript cells see: every binding, constant and helper
// of native/, in one frozen object (the executor injects it as a global).
import { constants, epollEvents, errnoName, signalName } from './constants';
import { GaiError, KeyboardInterrupt, strerror, SyscallError } from './errors';
import { interruptPendingCalls, pendingCallCount } from './interrupt';
import { koffi, library } from './koffi-types';
import * as addrinfo from './addrinfo';
import * as epoll from './epoll';
import * as fileio from './fileio';
import * as polling from './poll';
import * as sockaddr from './sockaddr';
import * as signals from './signals';
import * as sockets from './sockets';
import * as stdio from './stdio';
import * as timers from './timers';

export type { AddrinfoEntry, AddrinfoHints } from './addrinfo';
export type { EpollData, EpollEvent, EpollEventInit } from './epoll';
export type { Constants } from './constants';
export type { ConstantName, ErrnoName } from './constant-names';
export type { Sigset, SignalfdSiginfo } from './signals';
export type { Itimerspec, Timespec } from './timers';
export type { PrintfArg } from './stdio';
export type { Pollfd } from './poll';
export type { SockaddrLike } from './sockaddr';
export { GaiError, KeyboardInterrupt, SyscallError, interruptPendingCalls, pendingCallCount };
export { Sockaddr } from './sockaddr';

// Argument-checking helpers the modules share are not part of the API.
const { byteCount: _byteCount, ...fileioApi } = fileio;
const { addressArgs: _addressArgs, ...sockaddrApi } = sockaddr;

export const libc = Object.freeze({
  ...constants,
  ...sockets,
  ...fileioApi,
  ...polling,
  ...epoll,
  ...addrinfo,
  ...sockaddrApi,
  ...signals,
  ...timers,
  ...stdio,
  /** Every constant by name (also spread on `libc` itself: `libc.EPOLLIN`). */
  constants,
  /** The errno name of a number: errnoName(11) → 'EAGAIN'. */
  errnoName,
  /** The signal name of a number: signalName(2) → 'SIGINT'. */
  signalName,
  /** The names of the bits of an epoll events mask: epollEvents(EPOLLIN | EPOLLRDHUP) → ['EPOLLIN', 'EPOLLRDHUP']. */
  epollEvents,
  /** strerror(3): the text of an errno number. */
  strerror,
  SyscallError,
  KeyboardInterrupt,
  GaiError,
  /** Ends every pending async call (epoll_wait_async, ...) with KeyboardInterrupt within 100 ms. */
  interruptPendingCalls,
  /** How many async calls are in progress. */
  pendingCallCount,
  /** koffi itself, to declare further functions or types. */
  koffi,
  /** The loaded C library, e.g. `libc.library.func('int dup(int oldfd)')`. */
  library,
});

/** The type of the `libc` global of TypeScript cells. */
export type Libc = typeof libc;
