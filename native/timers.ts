// Counters and timers as file descriptors: eventfd(2) and timerfd_create(2).
import koffi from 'koffi';
import { cfunc } from './koffi-types';
import { check } from './errors';
import { read, write } from './fileio';

const eventfdC = cfunc('int eventfd(unsigned int initval, int flags)');
const timerfdCreateC = cfunc('int timerfd_create(clockid_t clockid, int flags)');
const timerfdSettimeC = cfunc('int timerfd_settime(int fd, int flags, const itimerspec *new_value, _Out_ itimerspec *old_value)');
const timerfdGettimeC = cfunc('int timerfd_gettime(int fd, _Out_ itimerspec *curr_value)');

/** struct timespec: seconds and nanoseconds. */
export interface Timespec {
  tv_sec: number;
  tv_nsec: number;
}

/** struct itimerspec: first expiry (`it_value`, all zero disarms) and period (`it_interval`, zero: once). */
export interface Itimerspec {
  it_interval: Timespec;
  it_value: Timespec;
}

function timespec(ms: number): Timespec {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`itimerspec: expected a duration in ms >= 0, got ${ms}`);
  const whole = Math.floor(ms);
  return { tv_sec: Math.floor(whole / 1000), tv_nsec: (whole % 1000) * 1e6 + Math.round((ms - whole) * 1e6) };
}

/** An itimerspec that first fires after `valueMs` and then every `intervalMs` (0: once). */
export function itimerspec(valueMs: number, intervalMs = 0): Itimerspec {
  return { it_value: timespec(valueMs), it_interval: timespec(intervalMs) };
}

/**
 * Reads the 8-byte counter of an eventfd or timerfd (read(2) of a uint64).
 * Waits on a blocking fd (interruptible); throws EAGAIN on a non-blocking one with nothing to read.
 */
export function readUint64(fd: number): bigint {
  const buf = Buffer.alloc(8);
  const n = read(fd, buf, 8);
  if (n !== 8) throw new Error(`readUint64: read ${n} bytes from fd ${fd}, expected 8 (is it an eventfd or timerfd?)`);
  return BigInt(koffi.decode(buf, 0, 'uint64_t') as number | bigint);
}

/** eventfd(2): a counter descriptor starting at `initval`. `flags`: EFD_NONBLOCK, EFD_CLOEXEC, EFD_SEMAPHORE. */
export function eventfd(initval = 0, flags = 0): number {
  return check('eventfd', eventfdC(initval, flags) as number);
}

/** eventfd_read(3): reads and resets the counter (or takes 1 with EFD_SEMAPHORE). */
export function eventfd_read(fd: number): bigint {
  return readUint64(fd);
}

/** eventfd_write(3): adds `value` to the counter. */
export function eventfd_write(fd: number, value: number | bigint): number {
  const buf = Buffer.alloc(8);
  koffi.encode(buf, 0, 'uint64_t', BigInt(value));
  return write(fd, buf, 8);
}

/** timerfd_create(2): a timer descriptor on `clockid` (CLOCK_MONOTONIC, CLOCK_REALTIME). `flags`: TFD_NONBLOCK, TFD_CLOEXEC. */
export function timerfd_create(clockid: number, flags = 0): number {
  return check('timerfd_create', timerfdCreateC(clockid, flags) as number);
}

/**
 * timerfd_settime(2): arms (or, with a zero it_value, disarms) the timer,
 * e.g. `timerfd_settime(tfd, 0, itimerspec(50))`. `flags`: 0 (relative) or
 * TFD_TIMER_ABSTIME. Returns the previous setting. Each expiry makes the fd
 * readable; readUint64(fd) returns how many expiries passed.
 */
export function timerfd_settime(fd: number, flags: number, newValue: Itimerspec): Itimerspec {
  const old = {} as Itimerspec;
  check('timerfd_settime', timerfdSettimeC(fd, flags, newValue, old) as number);
  return old;
}

/** timerfd_gettime(2): the time until the next expiry and the period. */
export function timerfd_gettime(fd: number): Itimerspec {
  const cur = {} as Itimerspec;
  check('timerfd_gettime', timerfdGettimeC(fd, cur) as number);
  return cur;
}
