// File descriptors: read/write/close, pipes, fcntl, open, FIFOs.
import koffi from 'koffi';
import { cfunc } from './koffi-types';
import { constants } from './constants';
import { check, SyscallError } from './errors';
import { callAsync, failSync, fcntlIntC, isBlocking, waitFor, waitForAsync } from './interrupt';
import { forgetDescriptor, readNow, WOULD_WAIT, writeNow } from './dontwait';

const readC = cfunc('ssize_t read(int fd, void *buf, size_t count)');
const writeC = cfunc('ssize_t write(int fd, const void *buf, size_t count)');
const closeC = cfunc('int close(int fd)');
const pipe2C = cfunc('int pipe2(_Out_ int *pipefd, int flags)');
const openC = cfunc('int open(const char *pathname, int flags, ...)');
const mkfifoC = cfunc('int mkfifo(const char *pathname, mode_t mode)');
const unlinkC = cfunc('int unlink(const char *pathname)');

/** Bytes to read into or write from: a Buffer or any typed array. */
export type Bytes = Uint8Array;

/** Checks a (buffer, count) pair and returns the count to use. */
export function byteCount(syscall: string, buf: Bytes, count: number | undefined): number {
  // ArrayBuffer.isView, not instanceof: cells may run in another realm (vm context).
  if (!ArrayBuffer.isView(buf)) throw new TypeError(`${syscall}: expected a Buffer or Uint8Array`);
  const n = count ?? buf.byteLength;
  if (!Number.isInteger(n) || n < 0 || n > buf.byteLength) {
    throw new RangeError(`${syscall}: count ${n} does not fit the ${buf.byteLength}-byte buffer`);
  }
  return n;
}

/**
 * read(2): reads up to `count` (default: the buffer's length) bytes from `fd`
 * into `buf`. Returns the number read, 0 at end of file. On a blocking fd it
 * waits for data and can be interrupted (KeyboardInterrupt). Throws
 * SyscallError, e.g. EAGAIN on an empty non-blocking fd, EBADF.
 */
export function read(fd: number, buf: Bytes, count?: number): number {
  const n = byteCount('read', buf, count);
  const now = readNow(fd, buf, n);
  if (now !== WOULD_WAIT) return now;
  if (isBlocking(fd, 'read')) waitFor(fd, constants.POLLIN, 'read');
  const r = readC(fd, buf, n) as number;
  if (r < 0) failSync('read', koffi.errno());
  return r;
}

/**
 * read(2) without blocking the event loop: waits for `fd` to be readable on a
 * worker thread, then reads. Resolves to the byte count (0 at end of file).
 * Rejects with KeyboardInterrupt after interruptPendingCalls(), SyscallError on failure.
 */
export async function read_async(fd: number, buf: Bytes, count?: number): Promise<number> {
  const n = byteCount('read', buf, count);
  for (;;) {
    await waitForAsync(fd, constants.POLLIN, 'read');
    const { result, errno } = await callAsync(readC, fd, buf, n);
    if (result >= 0) return result;
    if (errno !== constants.EAGAIN && errno !== constants.EINTR) throw new SyscallError('read', errno);
  }
}

/**
 * write(2): writes up to `count` bytes of `data` (a string is sent as UTF-8)
 * to `fd`. Returns the number written. On a blocking fd it first waits until
 * the fd is writable (interruptible). Throws SyscallError, e.g. EAGAIN on a
 * full non-blocking pipe, EPIPE with no reader.
 */
export function write(fd: number, data: Bytes | string, count?: number): number {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const n = byteCount('write', buf, count);
  const now = writeNow(fd, buf, n);
  if (now === n || (now !== WOULD_WAIT && !isBlocking(fd, 'write'))) return now;
  if (now === WOULD_WAIT) return waitAndWrite(fd, buf, n);
  // A blocking socket whose buffer took only part: the rest is written as a blocking write(2) would.
  try {
    return now + waitAndWrite(fd, buf.subarray(now), n - now);
  } catch (error) {
    if (error instanceof SyscallError) return now; // what was written stays written; the next write reports the error
    throw error;
  }
}

function waitAndWrite(fd: number, buf: Bytes, n: number): number {
  if (isBlocking(fd, 'write')) waitFor(fd, constants.POLLOUT, 'write');
  const r = writeC(fd, buf, n) as number;
  if (r < 0) failSync('write', koffi.errno());
  return r;
}

/** close(2): closes `fd`. Throws SyscallError (EBADF) for a descriptor that is not open. */
export function close(fd: number): number {
  forgetDescriptor(fd);
  return check('close', closeC(fd) as number);
}

/**
 * pipe2(2): creates a pipe; returns [readEnd, writeEnd]. `flags`: O_NONBLOCK,
 * O_CLOEXEC (or 0).
 */
export function pipe2(flags = 0): [number, number] {
  const fds = [-1, -1];
  check('pipe2', pipe2C(fds, flags) as number);
  return [fds[0], fds[1]];
}

/**
 * fcntl(2) with an integer argument: F_GETFL/F_SETFL (O_NONBLOCK ...),
 * F_GETFD/F_SETFD (FD_CLOEXEC), F_DUPFD, F_GETPIPE_SZ ... Returns what the
 * command returns (the flags for F_GETFL). Throws SyscallError.
 */
export function fcntl(fd: number, cmd: number, arg = 0): number {
  return check('fcntl', fcntlIntC(fd, cmd, arg) as number);
}

/**
 * open(2): opens `path` with `flags` (O_RDONLY, O_WRONLY | O_CREAT, ...) and,
 * when creating, permissions `mode` (default 0o666, minus the umask).
 * Returns the fd. Note: opening a FIFO without O_NONBLOCK waits for the other
 * end and cannot be interrupted; notebooks should pass O_NONBLOCK.
 */
export function open(path: string, flags: number, mode = 0o666): number {
  return check('open', openC(path, flags, 'unsigned int', mode) as number);
}

/** mkfifo(3): creates a named pipe at `path` (mode default 0o666, minus the umask). Throws EEXIST ... */
export function mkfifo(path: string, mode = 0o666): number {
  return check('mkfifo', mkfifoC(path, mode) as number);
}

/** unlink(2): removes a file name (a FIFO, a unix socket file ...). Throws ENOENT ... */
export function unlink(path: string): number {
  return check('unlink', unlinkC(path) as number);
}

/**
 * Where readBuffer and readString read into, kept between calls (grown to the
 * largest `max` asked for): a fresh zero-filled 64 KiB buffer per read cost an
 * echo server more than the read itself. Only synchronous reads use it, so no
 * two reads share it at once.
 */
let scratch = Buffer.alloc(0);
const SCRATCH_LIMIT = 1024 * 1024;

function readIntoScratch(fd: number, max: number): Buffer {
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`read: max must be a non-negative integer, got ${max}`);
  // A read of more than 1 MiB gets a buffer of its own, so one large read does not stay resident.
  const into = max > SCRATCH_LIMIT ? Buffer.alloc(max) : scratch.length >= max ? scratch : (scratch = Buffer.alloc(max));
  return into.subarray(0, read(fd, into, max));
}

/** Reads once (up to `max` bytes, default 64 KiB) and returns the bytes read (a Buffer of their own); empty at end of file. */
export function readBuffer(fd: number, max = 65536): Buffer {
  return Buffer.from(readIntoScratch(fd, max));
}

/** Reads once (up to `max` bytes) and decodes them as UTF-8; '' at end of file. */
export function readString(fd: number, max = 65536): string {
  return readIntoScratch(fd, max).toString('utf8');
}

/** readBuffer without blocking the event loop (see read_async). */
export async function readBufferAsync(fd: number, max = 65536): Promise<Buffer> {
  const buf = Buffer.alloc(max);
  return buf.subarray(0, await read_async(fd, buf, max));
}

/** readString without blocking the event loop (see read_async). */
export async function readStringAsync(fd: number, max = 65536): Promise<string> {
  return (await readBufferAsync(fd, max)).toString('utf8');
}

/** Writes all of `text` as UTF-8, calling write(2) until it is all out; returns the byte count. */
export function writeString(fd: number, text: string): number {
  const buf = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < buf.length) done += write(fd, buf.subarray(done));
  return buf.length;
}
