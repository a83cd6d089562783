// Prints, as one JSON object, the value of every constant sockbook's libc
// bindings expose, taken from this machine's headers (so nothing is typed by
// hand). native/build.js runs it and saves the output as constants.json.
// A name the headers lack is left out; native/constants.ts then refuses to
// load and names it.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int first = 1;

// Every value fits a long long; unsigned masks such as EPOLLET stay positive.
static void put(const char *name, long long value) {
  printf("%s\n  \"%s\": %lld", first ? "{" : ",", name, value);
  first = 0;
}

#define K(name) put(#name, (long long)(name))

int main(void) {
  // epoll
#ifdef EPOLLIN
  K(EPOLLIN);
#endif
#ifdef EPOLLPRI
  K(EPOLLPRI);
#endif
#ifdef EPOLLOUT
  K(EPOLLOUT);
#endif
#ifdef EPOLLRDNORM
  K(EPOLLRDNORM);
#endif
#ifdef EPOLLRDBAND
  K(EPOLLRDBAND);
#endif
#ifdef EPOLLWRNORM
  K(EPOLLWRNORM);
#endif
#ifdef EPOLLWRBAND
  K(EPOLLWRBAND);
#endif
#ifdef EPOLLMSG
  K(EPOLLMSG);
#endif
#ifdef EPOLLERR
  K(EPOLLERR);
#endif
#ifdef EPOLLHUP
  K(EPOLLHUP);
#endif
#ifdef EPOLLRDHUP
  K(EPOLLRDHUP);
#endif
#ifdef EPOLLEXCLUSIVE
  K(EPOLLEXCLUSIVE);
#endif
#ifdef EPOLLWAKEUP
  K(EPOLLWAKEUP);
#endif
#ifdef EPOLLONESHOT
  K(EPOLLONESHOT);
#endif
#ifdef EPOLLET
  K(EPOLLET);
#endif
#ifdef EPOLL_CLOEXEC
  K(EPOLL_CLOEXEC);
#endif
#ifdef EPOLL_CTL_ADD
  K(EPOLL_CTL_ADD);
#endif
#ifdef EPOLL_CTL_DEL
  K(EPOLL_CTL_DEL);
#endif
#ifdef EPOLL_CTL_MOD
  K(EPOLL_CTL_MOD);
#endif
  // poll
#ifdef POLLIN
  K(POLLIN);
#endif
#ifdef POLLPRI
  K(POLLPRI);
#endif
#ifdef POLLOUT
  K(POLLOUT);
#endif
#ifdef POLLERR
  K(POLLERR);
#endif
#ifdef POLLHUP
  K(POLLHUP);
#endif
#ifdef POLLNVAL
  K(POLLNVAL);
#endif
#ifdef POLLRDHUP
  K(POLLRDHUP);
#endif
#ifdef POLLRDNORM
  K(POLLRDNORM);
#endif
#ifdef POLLRDBAND
  K(POLLRDBAND);
#endif
#ifdef POLLWRNORM
  K(POLLWRNORM);
#endif
#ifdef POLLWRBAND
  K(POLLWRBAND);
#endif
  // family
#ifdef AF_UNSPEC
  K(AF_UNSPEC);
#endif
#ifdef AF_UNIX
  K(AF_UNIX);
#endif
#ifdef AF_LOCAL
  K(AF_LOCAL);
#endif
#ifdef AF_INET
  K(AF_INET);
#endif
#ifdef AF_INET6
  K(AF_INET6);
#endif
#ifdef AF_NETLINK
  K(AF_NETLINK);
#endif
#ifdef AF_PACKET
  K(AF_PACKET);
#endif
#ifdef PF_UNSPEC
  K(PF_UNSPEC);
#endif
#ifdef PF_UNIX
  K(PF_UNIX);
#endif
#ifdef PF_LOCAL
  K(PF_LOCAL);
#endif
#ifdef PF_INET
  K(PF_INET);
#endif
#ifdef PF_INET6
  K(PF_INET6);
#endif
  // socktype
#ifdef SOCK_STREAM
  K(SOCK_STREAM);
#endif
#ifdef SOCK_DGRAM
  K(SOCK_DGRAM);
#endif
#ifdef SOCK_RAW
  K(SOCK_RAW);
#endif
#ifdef SOCK_SEQPACKET
  K(SOCK_SEQPACKET);
#endif
#ifdef SOCK_NONBLOCK
  K(SOCK_NONBLOCK);
#endif
#ifdef SOCK_CLOEXEC
  K(SOCK_CLOEXEC);
#endif
  // sockopt
#ifdef SOL_SOCKET
  K(SOL_SOCKET);
#endif
#ifdef SOL_TCP
  K(SOL_TCP);
#endif
#ifdef SOL_IP
  K(SOL_IP);
#endif
#ifdef SOL_IPV6
  K(SOL_IPV6);
#endif
#ifdef SOMAXCONN
  K(SOMAXCONN);
#endif
#ifdef SO_REUSEADDR
  K(SO_REUSEADDR);
#endif
#ifdef SO_REUSEPORT
  K(SO_REUSEPORT);
#endif
#ifdef SO_KEEPALIVE
  K(SO_KEEPALIVE);
#endif
#ifdef SO_BROADCAST
  K(SO_BROADCAST);
#endif
#ifdef SO_ERROR
  K(SO_ERROR);
#endif
#ifdef SO_TYPE
  K(SO_TYPE);
#endif
#ifdef SO_RCVBUF
  K(SO_RCVBUF);
#endif
#ifdef SO_SNDBUF
  K(SO_SNDBUF);
#endif
#ifdef SO_LINGER
  K(SO_LINGER);
#endif
#ifdef SO_RCVTIMEO
  K(SO_RCVTIMEO);
#endif
#ifdef SO_SNDTIMEO
  K(SO_SNDTIMEO);
#endif
#ifdef SO_ACCEPTCONN
  K(SO_ACCEPTCONN);
#endif
#ifdef SO_DOMAIN
  K(SO_DOMAIN);
#endif
#ifdef SO_PROTOCOL
  K(SO_PROTOCOL);
#endif
#ifdef SO_PEERCRED
  K(SO_PEERCRED);
#endif
#ifdef SO_RCVLOWAT
  K(SO_RCVLOWAT);
#endif
#ifdef SO_SNDLOWAT
  K(SO_SNDLOWAT);
#endif
#ifdef TCP_NODELAY
  K(TCP_NODELAY);
#endif
#ifdef IPV6_V6ONLY
  K(IPV6_V6ONLY);
#endif
  // ipproto
#ifdef IPPROTO_IP
  K(IPPROTO_IP);
#endif
#ifdef IPPROTO_ICMP
  K(IPPROTO_ICMP);
#endif
#ifdef IPPROTO_TCP
  K(IPPROTO_TCP);
#endif
#ifdef IPPROTO_UDP
  K(IPPROTO_UDP);
#endif
#ifdef IPPROTO_IPV6
  K(IPPROTO_IPV6);
#endif
#ifdef IPPROTO_ICMPV6
  K(IPPROTO_ICMPV6);
#endif
#ifdef IPPROTO_RAW
  K(IPPROTO_RAW);
#endif
  // shut
#ifdef SHUT_RD
  K(SHUT_RD);
#endif
#ifdef SHUT_WR
  K(SHUT_WR);
#endif
#ifdef SHUT_RDWR
  K(SHUT_RDWR);
#endif
  // open
#ifdef O_RDONLY
  K(O_RDONLY);
#endif
#ifdef O_WRONLY
  K(O_WRONLY);
#endif
#ifdef O_RDWR
  K(O_RDWR);
#endif
#ifdef O_CREAT
  K(O_CREAT);
#endif
#ifdef O_EXCL
  K(O_EXCL);
#endif
#ifdef O_TRUNC
  K(O_TRUNC);
#endif
#ifdef O_APPEND
  K(O_APPEND);
#endif
#ifdef O_NONBLOCK
  K(O_NONBLOCK);
#endif
#ifdef O_CLOEXEC
  K(O_CLOEXEC);
#endif
#ifdef O_NOCTTY
  K(O_NOCTTY);
#endif
#ifdef O_DIRECTORY
  K(O_DIRECTORY);
#endif
#ifdef O_SYNC
  K(O_SYNC);
#endif
#ifdef O_NOFOLLOW
  K(O_NOFOLLOW);
#endif
#ifdef O_ACCMODE
  K(O_ACCMODE);
#endif
  // fcntl
#ifdef F_DUPFD
  K(F_DUPFD);
#endif
#ifdef F_DUPFD_CLOEXEC
  K(F_DUPFD_CLOEXEC);
#endif
#ifdef F_GETFD
  K(F_GETFD);
#endif
#ifdef F_SETFD
  K(F_SETFD);
#endif
#ifdef F_GETFL
  K(F_GETFL);
#endif
#ifdef F_SETFL
  K(F_SETFL);
#endif
#ifdef F_GETOWN
  K(F_GETOWN);
#endif
#ifdef F_SETOWN
  K(F_SETOWN);
#endif
#ifdef F_GETPIPE_SZ
  K(F_GETPIPE_SZ);
#endif
#ifdef F_SETPIPE_SZ
  K(F_SETPIPE_SZ);
#endif
#ifdef FD_CLOEXEC
  K(FD_CLOEXEC);
#endif
  // msg
#ifdef MSG_OOB
  K(MSG_OOB);
#endif
#ifdef MSG_PEEK
  K(MSG_PEEK);
#endif
#ifdef MSG_DONTROUTE
  K(MSG_DONTROUTE);
#endif
#ifdef MSG_CTRUNC
  K(MSG_CTRUNC);
#endif
#ifdef MSG_TRUNC
  K(MSG_TRUNC);
#endif
#ifdef MSG_DONTWAIT
  K(MSG_DONTWAIT);
#endif
#ifdef MSG_EOR
  K(MSG_EOR);
#endif
#ifdef MSG_WAITALL
  K(MSG_WAITALL);
#endif
#ifdef MSG_NOSIGNAL
  K(MSG_NOSIGNAL);
#endif
#ifdef MSG_MORE
  K(MSG_MORE);
#endif
#ifdef MSG_CMSG_CLOEXEC
  K(MSG_CMSG_CLOEXEC);
#endif
  // signal
#ifdef SIGHUP
  K(SIGHUP);
#endif
#ifdef SIGINT
  K(SIGINT);
#endif
#ifdef SIGQUIT
  K(SIGQUIT);
#endif
#ifdef SIGILL
  K(SIGILL);
#endif
#ifdef SIGTRAP
  K(SIGTRAP);
#endif
#ifdef SIGABRT
  K(SIGABRT);
#endif
#ifdef SIGBUS
  K(SIGBUS);
#endif
#ifdef SIGFPE
  K(SIGFPE);
#endif
#ifdef SIGKILL
  K(SIGKILL);
#endif
#ifdef SIGUSR1
  K(SIGUSR1);
#endif
#ifdef SIGSEGV
  K(SIGSEGV);
#endif
#ifdef SIGUSR2
  K(SIGUSR2);
#endif
#ifdef SIGPIPE
  K(SIGPIPE);
#endif
#ifdef SIGALRM
  K(SIGALRM);
#endif
#ifdef SIGTERM
  K(SIGTERM);
#endif
#ifdef SIGCHLD
  K(SIGCHLD);
#endif
#ifdef SIGCONT
  K(SIGCONT);
#endif
#ifdef SIGSTOP
  K(SIGSTOP);
#endif
#ifdef SIGTSTP
  K(SIGTSTP);
#endif
#ifdef SIGTTIN
  K(SIGTTIN);
#endif
#ifdef SIGTTOU
  K(SIGTTOU);
#endif
#ifdef SIGURG
  K(SIGURG);
#endif
#ifdef SIGXCPU
  K(SIGXCPU);
#endif
#ifdef SIGXFSZ
  K(SIGXFSZ);
#endif
#ifdef SIGVTALRM
  K(SIGVTALRM);
#endif
#ifdef SIGPROF
  K(SIGPROF);
#endif
#ifdef SIGWINCH
  K(SIGWINCH);
#endif
#ifdef SIGIO
  K(SIGIO);
#endif
#ifdef SIGPOLL
  K(SIGPOLL);
#endif
#ifdef SIGPWR
  K(SIGPWR);
#endif
#ifdef SIGSYS
  K(SIGSYS);
#endif
  K(SIGRTMIN);
  K(SIGRTMAX);
  // sigmask
#ifdef SIG_BLOCK
  K(SIG_BLOCK);
#endif
#ifdef SIG_UNBLOCK
  K(SIG_UNBLOCK);
#endif
#ifdef SIG_SETMASK
  K(SIG_SETMASK);
#endif
  // eventfd
#ifdef EFD_CLOEXEC
  K(EFD_CLOEXEC);
#endif
#ifdef EFD_NONBLOCK
  K(EFD_NONBLOCK);
#endif
#ifdef EFD_SEMAPHORE
  K(EFD_SEMAPHORE);
#endif
  // timerfd
#ifdef TFD_CLOEXEC
  K(TFD_CLOEXEC);
#endif
#ifdef TFD_NONBLOCK
  K(TFD_NONBLOCK);
#endif
#ifdef TFD_TIMER_ABSTIME
  K(TFD_TIMER_ABSTIME);
#endif
#ifdef TFD_TIMER_CANCEL_ON_SET
  K(TFD_TIMER_CANCEL_ON_SET);
#endif
  // signalfd
#ifdef SFD_CLOEXEC
  K(SFD_CLOEXEC);
#endif
#ifdef SFD_NONBLOCK
  K(SFD_NONBLOCK);
#endif
  // clock
#ifdef CLOCK_REALTIME
  K(CLOCK_REALTIME);
#endif
#ifdef CLOCK_MONOTONIC
  K(CLOCK_MONOTONIC);
#endif
#ifdef CLOCK_BOOTTIME
  K(CLOCK_BOOTTIME);
#endif
  // addrinfo
#ifdef AI_PASSIVE
  K(AI_PASSIVE);
#endif
#ifdef AI_CANONNAME
  K(AI_CANONNAME);
#endif
#ifdef AI_NUMERICHOST
  K(AI_NUMERICHOST);
#endif
#ifdef AI_V4MAPPED
  K(AI_V4MAPPED);
#endif
#ifdef AI_ALL
  K(AI_ALL);
#endif
#ifdef AI_ADDRCONFIG
  K(AI_ADDRCONFIG);
#endif
#ifdef AI_NUMERICSERV
  K(AI_NUMERICSERV);
#endif
#ifdef NI_NUMERICHOST
  K(NI_NUMERICHOST);
#endif
#ifdef NI_NUMERICSERV
  K(NI_NUMERICSERV);
#endif
#ifdef NI_NOFQDN
  K(NI_NOFQDN);
#endif
#ifdef NI_NAMEREQD
  K(NI_NAMEREQD);
#endif
#ifdef NI_DGRAM
  K(NI_DGRAM);
#endif
#ifdef NI_MAXHOST
  K(NI_MAXHOST);
#endif
#ifdef NI_MAXSERV
  K(NI_MAXSERV);
#endif
  // gai
#ifdef EAI_BADFLAGS
  K(EAI_BADFLAGS);
#endif
#ifdef EAI_NONAME
  K(EAI_NONAME);
#endif
#ifdef EAI_AGAIN
  K(EAI_AGAIN);
#endif
#ifdef EAI_FAIL
  K(EAI_FAIL);
#endif
#ifdef EAI_FAMILY
  K(EAI_FAMILY);
#endif
#ifdef EAI_SOCKTYPE
  K(EAI_SOCKTYPE);
#endif
#ifdef EAI_SERVICE
  K(EAI_SERVICE);
#endif
#ifdef EAI_MEMORY
  K(EAI_MEMORY);
#endif
#ifdef EAI_SYSTEM
  K(EAI_SYSTEM);
#endif
#ifdef EAI_OVERFLOW
  K(EAI_OVERFLOW);
#endif
#ifdef EAI_NODATA
  K(EAI_NODATA);
#endif
#ifdef EAI_ADDRFAMILY
  K(EAI_ADDRFAMILY);
#endif
  // inet
#ifdef INADDR_ANY
  K(INADDR_ANY);
#endif
#ifdef INADDR_LOOPBACK
  K(INADDR_LOOPBACK);
#endif
#ifdef INADDR_BROADCAST
  K(INADDR_BROADCAST);
#endif
#ifdef INADDR_NONE
  K(INADDR_NONE);
#endif
#ifdef INET_ADDRSTRLEN
  K(INET_ADDRSTRLEN);
#endif
#ifdef INET6_ADDRSTRLEN
  K(INET6_ADDRSTRLEN);
#endif
  // mode
#ifdef S_IRWXU
  K(S_IRWXU);
#endif
#ifdef S_IRUSR
  K(S_IRUSR);
#endif
#ifdef S_IWUSR
  K(S_IWUSR);
#endif
#ifdef S_IXUSR
  K(S_IXUSR);
#endif
#ifdef S_IRWXG
  K(S_IRWXG);
#endif
#ifdef S_IRGRP
  K(S_IRGRP);
#endif
#ifdef S_IWGRP
  K(S_IWGRP);
#endif
#ifdef S_IXGRP
  K(S_IXGRP);
#endif
#ifdef S_IRWXO
  K(S_IRWXO);
#endif
#ifdef S_IROTH
  K(S_IROTH);
#endif
#ifdef S_IWOTH
  K(S_IWOTH);
#endif
#ifdef S_IXOTH
  K(S_IXOTH);
#endif
#ifdef S_IFIFO
  K(S_IFIFO);
#endif
#ifdef S_IFSOCK
  K(S_IFSOCK);
#endif
#ifdef S_IFREG
  K(S_IFREG);
#endif
#ifdef S_IFMT
  K(S_IFMT);
#endif
  // stdio
#ifdef STDIN_FILENO
  K(STDIN_FILENO);
#endif
#ifdef STDOUT_FILENO
  K(STDOUT_FILENO);
#endif
#ifdef STDERR_FILENO
  K(STDERR_FILENO);
#endif
  // errno
#ifdef EPERM
  K(EPERM);
#endif
#ifdef ENOENT
  K(ENOENT);
#endif
#ifdef ESRCH
  K(ESRCH);
#endif
#ifdef EINTR
  K(EINTR);
#endif
#ifdef EIO
  K(EIO);
#endif
#ifdef ENXIO
  K(ENXIO);
#endif
#ifdef E2BIG
  K(E2BIG);
#endif
#ifdef ENOEXEC
  K(ENOEXEC);
#endif
#ifdef EBADF
  K(EBADF);
#endif
#ifdef ECHILD
  K(ECHILD);
#endif
#ifdef EAGAIN
  K(EAGAIN);
#endif
#ifdef ENOMEM
  K(ENOMEM);
#endif
#ifdef EACCES
  K(EACCES);
#endif
#ifdef EFAULT
  K(EFAULT);
#endif
#ifdef ENOTBLK
  K(ENOTBLK);
#endif
#ifdef EBUSY
  K(EBUSY);
#endif
#ifdef EEXIST
  K(EEXIST);
#endif
#ifdef EXDEV
  K(EXDEV);
#endif
#ifdef ENODEV
  K(ENODEV);
#endif
#ifdef ENOTDIR
  K(ENOTDIR);
#endif
#ifdef EISDIR
  K(EISDIR);
#endif
#ifdef EINVAL
  K(EINVAL);
#endif
#ifdef ENFILE
  K(ENFILE);
#endif
#ifdef EMFILE
  K(EMFILE);
#endif
#ifdef ENOTTY
  K(ENOTTY);
#endif
#ifdef ETXTBSY
  K(ETXTBSY);
#endif
#ifdef EFBIG
  K(EFBIG);
#endif
#ifdef ENOSPC
  K(ENOSPC);
#endif
#ifdef ESPIPE
  K(ESPIPE);
#endif
#ifdef EROFS
  K(EROFS);
#endif
#ifdef EMLINK
  K(EMLINK);
#endif
#ifdef EPIPE
  K(EPIPE);
#endif
#ifdef EDOM
  K(EDOM);
#endif
#ifdef ERANGE
  K(ERANGE);
#endif
#ifdef EDEADLK
  K(EDEADLK);
#endif
#ifdef ENAMETOOLONG
  K(ENAMETOOLONG);
#endif
#ifdef ENOLCK
  K(ENOLCK);
#endif
#ifdef ENOSYS
  K(ENOSYS);
#endif
#ifdef ENOTEMPTY
  K(ENOTEMPTY);
#endif
#ifdef ELOOP
  K(ELOOP);
#endif
#ifdef ENOMSG
  K(ENOMSG);
#endif
#ifdef EIDRM
  K(EIDRM);
#endif
#ifdef ECHRNG
  K(ECHRNG);
#endif
#ifdef EL2NSYNC
  K(EL2NSYNC);
#endif
#ifdef EL3HLT
  K(EL3HLT);
#endif
#ifdef EL3RST
  K(EL3RST);
#endif
#ifdef ELNRNG
  K(ELNRNG);
#endif
#ifdef EUNATCH
  K(EUNATCH);
#endif
#ifdef ENOCSI
  K(ENOCSI);
#endif
#ifdef EL2HLT
  K(EL2HLT);
#endif
#ifdef EBADE
  K(EBADE);
#endif
#ifdef EBADR
  K(EBADR);
#endif
#ifdef EXFULL
  K(EXFULL);
#endif
#ifdef ENOANO
  K(ENOANO);
#endif
#ifdef EBADRQC
  K(EBADRQC);
#endif
#ifdef EBADSLT
  K(EBADSLT);
#endif
#ifdef EBFONT
  K(EBFONT);
#endif
#ifdef ENOSTR
  K(ENOSTR);
#endif
#ifdef ENODATA
  K(ENODATA);
#endif
#ifdef ETIME
  K(ETIME);
#endif
#ifdef ENOSR
  K(ENOSR);
#endif
#ifdef ENONET
  K(ENONET);
#endif
#ifdef ENOPKG
  K(ENOPKG);
#endif
#ifdef EREMOTE
  K(EREMOTE);
#endif
#ifdef ENOLINK
  K(ENOLINK);
#endif
#ifdef EADV
  K(EADV);
#endif
#ifdef ESRMNT
  K(ESRMNT);
#endif
#ifdef ECOMM
  K(ECOMM);
#endif
#ifdef EPROTO
  K(EPROTO);
#endif
#ifdef EMULTIHOP
  K(EMULTIHOP);
#endif
#ifdef EDOTDOT
  K(EDOTDOT);
#endif
#ifdef EBADMSG
  K(EBADMSG);
#endif
#ifdef EOVERFLOW
  K(EOVERFLOW);
#endif
#ifdef ENOTUNIQ
  K(ENOTUNIQ);
#endif
#ifdef EBADFD
  K(EBADFD);
#endif
#ifdef EREMCHG
  K(EREMCHG);
#endif
#ifdef ELIBACC
  K(ELIBACC);
#endif
#ifdef ELIBBAD
  K(ELIBBAD);
#endif
#ifdef ELIBSCN
  K(ELIBSCN);
#endif
#ifdef ELIBMAX
  K(ELIBMAX);
#endif
#ifdef ELIBEXEC
  K(ELIBEXEC);
#endif
#ifdef EILSEQ
  K(EILSEQ);
#endif
#ifdef ERESTART
  K(ERESTART);
#endif
#ifdef ESTRPIPE
  K(ESTRPIPE);
#endif
#ifdef EUSERS
  K(EUSERS);
#endif
#ifdef ENOTSOCK
  K(ENOTSOCK);
#endif
#ifdef EDESTADDRREQ
  K(EDESTADDRREQ);
#endif
#ifdef EMSGSIZE
  K(EMSGSIZE);
#endif
#ifdef EPROTOTYPE
  K(EPROTOTYPE);
#endif
#ifdef ENOPROTOOPT
  K(ENOPROTOOPT);
#endif
#ifdef EPROTONOSUPPORT
  K(EPROTONOSUPPORT);
#endif
#ifdef ESOCKTNOSUPPORT
  K(ESOCKTNOSUPPORT);
#endif
#ifdef EOPNOTSUPP
  K(EOPNOTSUPP);
#endif
#ifdef EPFNOSUPPORT
  K(EPFNOSUPPORT);
#endif
#ifdef EAFNOSUPPORT
  K(EAFNOSUPPORT);
#endif
#ifdef EADDRINUSE
  K(EADDRINUSE);
#endif
#ifdef EADDRNOTAVAIL
  K(EADDRNOTAVAIL);
#endif
#ifdef ENETDOWN
  K(ENETDOWN);
#endif
#ifdef ENETUNREACH
  K(ENETUNREACH);
#endif
#ifdef ENETRESET
  K(ENETRESET);
#endif
#ifdef ECONNABORTED
  K(ECONNABORTED);
#endif
#ifdef ECONNRESET
  K(ECONNRESET);
#endif
#ifdef ENOBUFS
  K(ENOBUFS);
#endif
#ifdef EISCONN
  K(EISCONN);
#endif
#ifdef ENOTCONN
  K(ENOTCONN);
#endif
#ifdef ESHUTDOWN
  K(ESHUTDOWN);
#endif
#ifdef ETOOMANYREFS
  K(ETOOMANYREFS);
#endif
#ifdef ETIMEDOUT
  K(ETIMEDOUT);
#endif
#ifdef ECONNREFUSED
  K(ECONNREFUSED);
#endif
#ifdef EHOSTDOWN
  K(EHOSTDOWN);
#endif
#ifdef EHOSTUNREACH
  K(EHOSTUNREACH);
#endif
#ifdef EALREADY
  K(EALREADY);
#endif
#ifdef EINPROGRESS
  K(EINPROGRESS);
#endif
#ifdef ESTALE
  K(ESTALE);
#endif
#ifdef EUCLEAN
  K(EUCLEAN);
#endif
#ifdef ENOTNAM
  K(ENOTNAM);
#endif
#ifdef ENAVAIL
  K(ENAVAIL);
#endif
#ifdef EISNAM
  K(EISNAM);
#endif
#ifdef EREMOTEIO
  K(EREMOTEIO);
#endif
#ifdef EDQUOT
  K(EDQUOT);
#endif
#ifdef ENOMEDIUM
  K(ENOMEDIUM);
#endif
#ifdef EMEDIUMTYPE
  K(EMEDIUMTYPE);
#endif
#ifdef ECANCELED
  K(ECANCELED);
#endif
#ifdef ENOKEY
  K(ENOKEY);
#endif
#ifdef EKEYEXPIRED
  K(EKEYEXPIRED);
#endif
#ifdef EKEYREVOKED
  K(EKEYREVOKED);
#endif
#ifdef EKEYREJECTED
  K(EKEYREJECTED);
#endif
#ifdef EOWNERDEAD
  K(EOWNERDEAD);
#endif
#ifdef ENOTRECOVERABLE
  K(ENOTRECOVERABLE);
#endif
#ifdef ERFKILL
  K(ERFKILL);
#endif
#ifdef EHWPOISON
  K(EHWPOISON);
#endif
#ifdef EWOULDBLOCK
  K(EWOULDBLOCK);
#endif
#ifdef EDEADLOCK
  K(EDEADLOCK);
#endif
#ifdef ENOTSUP
  K(ENOTSUP);
#endif
  printf("\n}\n");
  return 0;
}
