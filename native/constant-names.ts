// The one list of the constants sockbook's libc bindings expose, by group.
// The values are never written here: native/build.js writes a C program from
// these names and runs it against the machine's headers (build/native/constants.json);
// these lists also give the names TypeScript types and tell which names are
// errno, signal, ... numbers (for number -> name maps).

export const epollNames = [
  'EPOLLIN', 'EPOLLPRI', 'EPOLLOUT', 'EPOLLRDNORM', 'EPOLLRDBAND', 'EPOLLWRNORM', 'EPOLLWRBAND',
  'EPOLLMSG', 'EPOLLERR', 'EPOLLHUP', 'EPOLLRDHUP', 'EPOLLEXCLUSIVE', 'EPOLLWAKEUP',
  'EPOLLONESHOT', 'EPOLLET', 'EPOLL_CLOEXEC', 'EPOLL_CTL_ADD', 'EPOLL_CTL_DEL', 'EPOLL_CTL_MOD',
] as const;

export const pollNames = [
  'POLLIN', 'POLLPRI', 'POLLOUT', 'POLLERR', 'POLLHUP', 'POLLNVAL', 'POLLRDHUP', 'POLLRDNORM',
  'POLLRDBAND', 'POLLWRNORM', 'POLLWRBAND',
] as const;

export const familyNames = [
  'AF_UNSPEC', 'AF_UNIX', 'AF_LOCAL', 'AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_PACKET',
  'PF_UNSPEC', 'PF_UNIX', 'PF_LOCAL', 'PF_INET', 'PF_INET6',
] as const;

export const socktypeNames = [
  'SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_SEQPACKET', 'SOCK_NONBLOCK', 'SOCK_CLOEXEC',
] as const;

export const sockoptNames = [
  'SOL_SOCKET', 'SOL_TCP', 'SOL_IP', 'SOL_IPV6', 'SOMAXCONN', 'SO_REUSEADDR', 'SO_REUSEPORT',
  'SO_KEEPALIVE', 'SO_BROADCAST', 'SO_ERROR', 'SO_TYPE', 'SO_RCVBUF', 'SO_SNDBUF', 'SO_LINGER',
  'SO_RCVTIMEO', 'SO_SNDTIMEO', 'SO_ACCEPTCONN', 'SO_DOMAIN', 'SO_PROTOCOL', 'SO_PEERCRED',
  'SO_RCVLOWAT', 'SO_SNDLOWAT', 'TCP_NODELAY', 'IPV6_V6ONLY',
] as const;

export const ipprotoNames = [
  'IPPROTO_IP', 'IPPROTO_ICMP', 'IPPROTO_TCP', 'IPPROTO_UDP', 'IPPROTO_IPV6', 'IPPROTO_ICMPV6',
  'IPPROTO_RAW',
] as const;

export const shutNames = [
  'SHUT_RD', 'SHUT_WR', 'SHUT_RDWR',
] as const;

export const openNames = [
  'O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_CREAT', 'O_EXCL', 'O_TRUNC', 'O_APPEND', 'O_NONBLOCK',
  'O_CLOEXEC', 'O_NOCTTY', 'O_DIRECTORY', 'O_SYNC', 'O_NOFOLLOW', 'O_ACCMODE',
] as const;

export const fcntlNames = [
  'F_DUPFD', 'F_DUPFD_CLOEXEC', 'F_GETFD', 'F_SETFD', 'F_GETFL', 'F_SETFL', 'F_GETOWN',
  'F_SETOWN', 'F_GETPIPE_SZ', 'F_SETPIPE_SZ', 'FD_CLOEXEC',
] as const;

export const msgNames = [
  'MSG_OOB', 'MSG_PEEK', 'MSG_DONTROUTE', 'MSG_CTRUNC', 'MSG_TRUNC', 'MSG_DONTWAIT', 'MSG_EOR',
  'MSG_WAITALL', 'MSG_NOSIGNAL', 'MSG_MORE', 'MSG_CMSG_CLOEXEC',
] as const;

export const signalNames = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL',
  'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGCHLD', 'SIGCONT',
  'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM',
  'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPOLL', 'SIGPWR', 'SIGSYS', 'SIGRTMIN', 'SIGRTMAX',
] as const;

export const sigmaskNames = [
  'SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK',
] as const;

export const eventfdNames = [
  'EFD_CLOEXEC', 'EFD_NONBLOCK', 'EFD_SEMAPHORE',
] as const;

export const timerfdNames = [
  'TFD_CLOEXEC', 'TFD_NONBLOCK', 'TFD_TIMER_ABSTIME', 'TFD_TIMER_CANCEL_ON_SET',
] as const;

export const signalfdNames = [
  'SFD_CLOEXEC', 'SFD_NONBLOCK',
] as const;

export const clockNames = [
  'CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_BOOTTIME',
] as const;

export const addrinfoNames = [
  'AI_PASSIVE', 'AI_CANONNAME', 'AI_NUMERICHOST', 'AI_V4MAPPED', 'AI_ALL', 'AI_ADDRCONFIG',
  'AI_NUMERICSERV', 'NI_NUMERICHOST', 'NI_NUMERICSERV', 'NI_NOFQDN', 'NI_NAMEREQD', 'NI_DGRAM',
  'NI_MAXHOST', 'NI_MAXSERV',
] as const;

export const gaiNames = [
  'EAI_BADFLAGS', 'EAI_NONAME', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_FAMILY', 'EAI_SOCKTYPE',
  'EAI_SERVICE', 'EAI_MEMORY', 'EAI_SYSTEM', 'EAI_OVERFLOW', 'EAI_NODATA', 'EAI_ADDRFAMILY',
] as const;

export const inetNames = [
  'INADDR_ANY', 'INADDR_LOOPBACK', 'INADDR_BROADCAST', 'INADDR_NONE', 'INET_ADDRSTRLEN',
  'INET6_ADDRSTRLEN',
] as const;

export const modeNames = [
  'S_IRWXU', 'S_IRUSR', 'S_IWUSR', 'S_IXUSR', 'S_IRWXG', 'S_IRGRP', 'S_IWGRP', 'S_IXGRP',
  'S_IRWXO', 'S_IROTH', 'S_IWOTH', 'S_IXOTH', 'S_IFIFO', 'S_IFSOCK', 'S_IFREG', 'S_IFMT',
] as const;

export const stdioNames = [
  'STDIN_FILENO', 'STDOUT_FILENO', 'STDERR_FILENO',
] as const;

export const errnoNames = [
  'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD',
  'EAGAIN', 'ENOMEM', 'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV',
  'ENOTDIR', 'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'ETXTBSY', 'EFBIG', 'ENOSPC',
  'ESPIPE', 'EROFS', 'EMLINK', 'EPIPE', 'EDOM', 'ERANGE', 'EDEADLK', 'ENAMETOOLONG', 'ENOLCK',
  'ENOSYS', 'ENOTEMPTY', 'ELOOP', 'ENOMSG', 'EIDRM', 'ECHRNG', 'EL2NSYNC', 'EL3HLT', 'EL3RST',
  'ELNRNG', 'EUNATCH', 'ENOCSI', 'EL2HLT', 'EBADE', 'EBADR', 'EXFULL', 'ENOANO', 'EBADRQC',
  'EBADSLT', 'EBFONT', 'ENOSTR', 'ENODATA', 'ETIME', 'ENOSR', 'ENONET', 'ENOPKG', 'EREMOTE',
  'ENOLINK', 'EADV', 'ESRMNT', 'ECOMM', 'EPROTO', 'EMULTIHOP', 'EDOTDOT', 'EBADMSG',
  'EOVERFLOW', 'ENOTUNIQ', 'EBADFD', 'EREMCHG', 'ELIBACC', 'ELIBBAD', 'ELIBSCN', 'ELIBMAX',
  'ELIBEXEC', 'EILSEQ', 'ERESTART', 'ESTRPIPE', 'EUSERS', 'ENOTSOCK', 'EDESTADDRREQ',
  'EMSGSIZE', 'EPROTOTYPE', 'ENOPROTOOPT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT', 'EOPNOTSUPP',
  'EPFNOSUPPORT', 'EAFNOSUPPORT', 'EADDRINUSE', 'EADDRNOTAVAIL', 'ENETDOWN', 'ENETUNREACH',
  'ENETRESET', 'ECONNABORTED', 'ECONNRESET', 'ENOBUFS', 'EISCONN', 'ENOTCONN', 'ESHUTDOWN',
  'ETOOMANYREFS', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTDOWN', 'EHOSTUNREACH', 'EALREADY',
  'EINPROGRESS', 'ESTALE', 'EUCLEAN', 'ENOTNAM', 'ENAVAIL', 'EISNAM', 'EREMOTEIO', 'EDQUOT',
  'ENOMEDIUM', 'EMEDIUMTYPE', 'ECANCELED', 'ENOKEY', 'EKEYEXPIRED', 'EKEYREVOKED',
  'EKEYREJECTED', 'EOWNERDEAD', 'ENOTRECOVERABLE', 'ERFKILL', 'EHWPOISON', 'EWOULDBLOCK',
  'EDEADLOCK', 'ENOTSUP',
] as const;

/** Every constant name, in the order the generator prints them. */
export const allConstantNames = [
  ...epollNames,
  ...pollNames,
  ...familyNames,
  ...socktypeNames,
  ...sockoptNames,
  ...ipprotoNames,
  ...shutNames,
  ...openNames,
  ...fcntlNames,
  ...msgNames,
  ...signalNames,
  ...sigmaskNames,
  ...eventfdNames,
  ...timerfdNames,
  ...signalfdNames,
  ...clockNames,
  ...addrinfoNames,
  ...gaiNames,
  ...inetNames,
  ...modeNames,
  ...stdioNames,
  ...errnoNames,
] as const;

/** A constant's name, e.g. 'EPOLLIN' or 'ECONNREFUSED'. */
export type ConstantName = (typeof allConstantNames)[number];

/** An errno name, e.g. 'EAGAIN'. */
export type ErrnoName = (typeof errnoNames)[number];
