// Signals: processes (getpid, kill, raise), signal sets, the signal mask and signalfd.
import koffi from 'koffi';
import { cfunc } from './koffi-types';
import { check, SyscallError } from './errors';
import { read } from './fileio';

const getpidC = cfunc('pid_t getpid(void)');
const killC = cfunc('int kill(pid_t pid, int sig)');
const raiseC = cfunc('int raise(int sig)');
const sigemptysetC = cfunc('int sigemptyset(void *set)');
const sigfillsetC = cfunc('int sigfillset(void *set)');
const sigaddsetC = cfunc('int sigaddset(void *set, int signum)');
const sigdelsetC = cfunc('int sigdelset(void *set, int signum)');
const sigismemberC = cfunc('int sigismember(const void *set, int signum)');
const pthreadSigmaskC = cfunc('int pthread_sigmask(int how, const void *set, void *oldset)');
const signalfdC = cfunc('int signalfd(int fd, const void *mask, int flags)');

const sigsetSize = koffi.sizeof('sigset_t');
const siginfoSize = koffi.sizeof('signalfd_siginfo');

/** A sigset_t in C layout. */
export type Sigset = Buffer;

/** getpid(2): this process's id. */
export function getpid(): number {
  return getpidC() as number;
}

/**
 * kill(2): sends signal `sig` to process `pid` (a negative pid: to its
 * process group; sig 0: only check the process exists). Throws ESRCH, EPERM.
 */
export function kill(pid: number, sig: number): number {
  return check('kill', killC(pid, sig) as number);
}

/** raise(3): sends `sig` to the calling thread (here: the JavaScript thread). */
export function raise(sig: number): number {
  const r = raiseC(sig) as number;
  if (r !== 0) throw new SyscallError('raise', koffi.errno());
  return r;
}

function checkSet(set: Sigset, call: string): void {
  if (!Buffer.isBuffer(set) || set.length < sigsetSize) throw new TypeError(`${call}: expected a signal set from sigemptyset()`);
}

/** sigemptyset(3): returns a new empty signal set (or empties `set`). */
export function sigemptyset(set: Sigset = Buffer.alloc(sigsetSize)): Sigset {
  checkSet(set, 'sigemptyset');
  check('sigemptyset', sigemptysetC(set) as number);
  return set;
}

/** sigfillset(3): returns a new full signal set (or fills `set`). */
export function sigfillset(set: Sigset = Buffer.alloc(sigsetSize)): Sigset {
  checkSet(set, 'sigfillset');
  check('sigfillset', sigfillsetC(set) as number);
  return set;
}

/** sigaddset(3): adds `signum` to `set`; returns the set. Throws EINVAL for a bad signal number. */
export function sigaddset(set: Sigset, signum: number): Sigset {
  checkSet(set, 'sigaddset');
  check('sigaddset', sigaddsetC(set, signum) as number);
  return set;
}

/** sigdelset(3): removes `signum` from `set`; returns the set. */
export function sigdelset(set: Sigset, signum: number): Sigset {
  checkSet(set, 'sigdelset');
  check('sigdelset', sigdelsetC(set, signum) as number);
  return set;
}

/** sigismember(3): whether `signum` is in `set`. */
export function sigismember(set: Sigset, signum: number): boolean {
  checkSet(set, 'sigismember');
  return check('sigismember', sigismemberC(set, signum) as number) === 1;
}

/**
 * sigprocmask(2) (pthread_sigmask for the calling, JavaScript, thread):
 * `how` SIG_BLOCK / SIG_UNBLOCK / SIG_SETMASK with `set` (null: only query).
 * Returns the previous mask. Block a signal before reading it from a signalfd.
 * Node has other threads: a signal sent to the whole process (kill) may be
 * delivered to one of them unless it is blocked there too; raise() or
 * a handler installed with process.on() avoid that.
 */
export function sigprocmask(how: number, set: Sigset | null): Sigset {
  if (set !== null) checkSet(set, 'sigprocmask');
  const old = Buffer.alloc(sigsetSize);
  const r = pthreadSigmaskC(how, set, old) as number;
  if (r !== 0) throw new SyscallError('sigprocmask', r); // pthread_* return the error number
  return old;
}

/**
 * signalfd(2): a descriptor that reads pending signals of `mask` as
 * signalfd_siginfo records (see readSiginfo). `fd` -1 creates one, an
 * existing signalfd changes its mask. `flags`: SFD_NONBLOCK, SFD_CLOEXEC.
 */
export function signalfd(fd: number, mask: Sigset, flags = 0): number {
  checkSet(mask, 'signalfd');
  return check('signalfd', signalfdC(fd, mask, flags) as number);
}

/** struct signalfd_siginfo, as read from a signalfd. */
export interface SignalfdSiginfo {
  ssi_signo: number;
  ssi_errno: number;
  ssi_code: number;
  ssi_pid: number;
  ssi_uid: number;
  ssi_fd: number;
  ssi_tid: number;
  ssi_band: number;
  ssi_overrun: number;
  ssi_trapno: number;
  ssi_status: number;
  ssi_int: number;
  ssi_ptr: number | bigint;
  ssi_utime: number | bigint;
  ssi_stime: number | bigint;
  ssi_addr: number | bigint;
  ssi_addr_lsb: number;
  ssi_syscall: number;
  ssi_call_addr: number | bigint;
  ssi_arch: number;
}

/**
 * Reads one signal from a signalfd (read(2) of one struct signalfd_siginfo).
 * Waits on a blocking signalfd (interruptible); throws EAGAIN on an empty
 * non-blocking one.
 */
export function readSiginfo(fd: number): SignalfdSiginfo {
  const buf = Buffer.alloc(siginfoSize);
  const n = read(fd, buf, siginfoSize);
  if (n !== siginfoSize) throw new Error(`readSiginfo: read ${n} bytes from fd ${fd}, expected ${siginfoSize} (is it a signalfd?)`);
  const { __pad: _pad, __pad2: _pad2, ...info } = koffi.decode(buf, 'signalfd_siginfo') as SignalfdSiginfo & { __pad: unknown; __pad2: unknown };
  return info;
}
