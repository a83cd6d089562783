// The errors libc bindings throw: a failed system call, an interrupted wait,
// a failed name lookup.
import koffi from 'koffi';
import { cfunc } from './koffi-types';
import { errnoName } from './constants';

const strerrorC = cfunc('const char *strerror(int errnum)');

/** The C library's text for an errno number, e.g. 111 → 'Connection refused'. */
export function strerror(errno: number): string {
  return String(strerrorC(errno));
}

/** A system call that returned -1: `connect: ECONNREFUSED (Connection refused)`. */
export class SyscallError extends Error {
  /** The errno number, e.g. 111. */
  readonly errno: number;
  /** The errno name, e.g. 'ECONNREFUSED'. */
  readonly code: string;
  /** The failed call, e.g. 'connect'. */
  readonly syscall: string;

  constructor(syscall: string, errno: number) {
    super(`${syscall}: ${errnoName(errno)} (${strerror(errno)})`);
    this.name = 'SyscallError';
    this.errno = errno;
    this.code = errnoName(errno);
    this.syscall = syscall;
  }
}

// A blocking call ended by the kernel's interrupt (SIGINT) throws the kernel's
// one KeyboardInterrupt, so cells catch the same class whatever was interrupted.
export { KeyboardInterrupt } from '../kernel/base/keyboard-interrupt';

/** getaddrinfo() failed: `.code` is the EAI_* name, `.errno` its (negative) number. */
export class GaiError extends Error {
  readonly errno: number;
  readonly code: string;
  readonly syscall = 'getaddrinfo';

  constructor(code: string, errno: number, text: string, query: string) {
    super(`getaddrinfo: ${text} (${query})`);
    this.name = 'GaiError';
    this.code = code;
    this.errno = errno;
  }
}

/** The errno of the last call on this thread; read it right after the call, before anything else. */
export function lastErrno(): number {
  return koffi.errno();
}

/** Returns a call's non-negative result, or throws SyscallError with the errno it left. */
export function check(syscall: string, result: number): number {
  if (result < 0) throw new SyscallError(syscall, koffi.errno());
  return result;
}
