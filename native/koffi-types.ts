// The C library handle and every C type the bindings use, declared once.
// koffi keeps type names in one process-wide table, so a second declaration of
// the same name throws; each type is therefore looked up first and only
// declared when missing (this module may be loaded twice, e.g. after a
// require-cache reset in the executor).
import koffi from 'koffi';
import type { LibraryHandle, TypeObject } from 'koffi';

/** The loaded C library (glibc) every binding comes from. */
export const library: LibraryHandle = koffi.load('libc.so.6');

/** Returns the type called `name`, declaring it with `make` only if koffi does not know it yet. */
function once(name: string, make: () => TypeObject): TypeObject {
  try {
    return koffi.type(name);
  } catch {
    return make();
  }
}

// Integer typedefs of <sys/types.h> and <sys/socket.h> that koffi does not predefine (Linux LP64 ABI).
once('ssize_t', () => koffi.alias('ssize_t', 'long'));
once('socklen_t', () => koffi.alias('socklen_t', 'uint32_t'));
once('sa_family_t', () => koffi.alias('sa_family_t', 'uint16_t'));
once('in_port_t', () => koffi.alias('in_port_t', 'uint16_t'));
once('pid_t', () => koffi.alias('pid_t', 'int32_t'));
once('mode_t', () => koffi.alias('mode_t', 'uint32_t'));
once('nfds_t', () => koffi.alias('nfds_t', 'unsigned long'));
once('clockid_t', () => koffi.alias('clockid_t', 'int'));

/** struct in_addr: an IPv4 address in network byte order. */
export const InAddr = once('in_addr', () => koffi.struct('in_addr', { s_addr: 'uint32_t' }));

/** struct in6_addr: a union of byte/16-bit/32-bit views, hence 4-byte aligned like glibc's. */
export const In6Addr = once('in6_addr', () =>
  koffi.union('in6_addr', {
    s6_addr: koffi.array('uint8_t', 16),
    s6_addr16: koffi.array('uint16_t', 8),
    s6_addr32: koffi.array('uint32_t', 4),
  }),
);

/** struct sockaddr: the generic socket address header. */
export const SockaddrType = once('sockaddr', () =>
  koffi.struct('sockaddr', { sa_family: 'sa_family_t', sa_data: koffi.array('uint8_t', 14) }),
);

/** struct sockaddr_in (AF_INET). */
export const SockaddrIn = once('sockaddr_in', () =>
  koffi.struct('sockaddr_in', {
    sin_family: 'sa_family_t',
    sin_port: 'in_port_t',
    sin_addr: 'in_addr',
    sin_zero: koffi.array('uint8_t', 8),
  }),
);

/** struct sockaddr_in6 (AF_INET6). */
export const SockaddrIn6 = once('sockaddr_in6', () =>
  koffi.struct('sockaddr_in6', {
    sin6_family: 'sa_family_t',
    sin6_port: 'in_port_t',
    sin6_flowinfo: 'uint32_t',
    sin6_addr: 'in6_addr',
    sin6_scope_id: 'uint32_t',
  }),
);

/** struct sockaddr_un (AF_UNIX): a path of at most 107 bytes plus its NUL. */
export const SockaddrUn = once('sockaddr_un', () =>
  koffi.struct('sockaddr_un', { sun_family: 'sa_family_t', sun_path: koffi.array('uint8_t', 108) }),
);

/** struct sockaddr_storage: room for any address family. */
export const SockaddrStorage = once('sockaddr_storage', () =>
  koffi.struct('sockaddr_storage', {
    ss_family: 'sa_family_t',
    __ss_padding: koffi.array('uint8_t', 118),
    __ss_align: 'unsigned long',
  }),
);

/** struct addrinfo, the linked list getaddrinfo() returns. */
export const AddrinfoType = once('addrinfo', () =>
  koffi.struct('addrinfo', {
    ai_flags: 'int',
    ai_family: 'int',
    ai_socktype: 'int',
    ai_protocol: 'int',
    ai_addrlen: 'socklen_t',
    ai_addr: 'void *',
    ai_canonname: 'char *',
    ai_next: 'void *',
  }),
);

/** union epoll_data. */
export const EpollData = once('epoll_data_t', () =>
  koffi.union('epoll_data_t', { ptr: 'void *', fd: 'int', u32: 'uint32_t', u64: 'uint64_t' }),
);

/**
 * struct epoll_event. The kernel declares it packed on x86_64 only (12 bytes,
 * data at offset 4); elsewhere, e.g. aarch64, it is naturally aligned (16 bytes).
 */
export const EpollEventType = once('epoll_event', () =>
  process.arch === 'x64'
    ? koffi.pack('epoll_event', { events: 'uint32_t', data: 'epoll_data_t' })
    : koffi.struct('epoll_event', { events: 'uint32_t', data: 'epoll_data_t' }),
);

/** struct pollfd. */
export const PollfdType = once('pollfd', () =>
  koffi.struct('pollfd', { fd: 'int', events: 'short', revents: 'short' }),
);

/** struct timespec. */
export const TimespecType = once('timespec', () =>
  koffi.struct('timespec', { tv_sec: 'long', tv_nsec: 'long' }),
);

/** struct itimerspec (timerfd_settime). */
export const ItimerspecType = once('itimerspec', () =>
  koffi.struct('itimerspec', { it_interval: 'timespec', it_value: 'timespec' }),
);

/** sigset_t: glibc reserves 1024 bits. */
export const SigsetType = once('sigset_t', () =>
  koffi.struct('sigset_t', { __val: koffi.array('unsigned long', 16) }),
);

/** struct signalfd_siginfo: what read() on a signalfd returns, 128 bytes per signal. */
export const SignalfdSiginfoType = once('signalfd_siginfo', () =>
  koffi.struct('signalfd_siginfo', {
    ssi_signo: 'uint32_t',
    ssi_errno: 'int32_t',
    ssi_code: 'int32_t',
    ssi_pid: 'uint32_t',
    ssi_uid: 'uint32_t',
    ssi_fd: 'int32_t',
    ssi_tid: 'uint32_t',
    ssi_band: 'uint32_t',
    ssi_overrun: 'uint32_t',
    ssi_trapno: 'uint32_t',
    ssi_status: 'int32_t',
    ssi_int: 'int32_t',
    ssi_ptr: 'uint64_t',
    ssi_utime: 'uint64_t',
    ssi_stime: 'uint64_t',
    ssi_addr: 'uint64_t',
    ssi_addr_lsb: 'uint16_t',
    __pad2: 'uint16_t',
    ssi_syscall: 'int32_t',
    ssi_call_addr: 'uint64_t',
    ssi_arch: 'uint32_t',
    __pad: koffi.array('uint8_t', 28),
  }),
);

/** A koffi function of this library (an alias so modules need not import koffi's types). */
export type CFunction = ReturnType<LibraryHandle['func']>;

/** Declares a C function of the library from a C-like prototype. */
export function cfunc(prototype: string): CFunction {
  return library.func(prototype);
}

export { koffi };
