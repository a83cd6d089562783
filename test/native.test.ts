import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import koffi from 'koffi';
import { libc, KeyboardInterrupt, SyscallError, GaiError, type EpollEvent, type Pollfd } from '../native/libc';
import { allConstantNames } from '../native/constant-names';
import { nativeArtifact } from '../kernel/paths';
import { compileAndRun } from './support/native-c';

/** Closes every fd a test opened, even when it fails. */
const openFds: number[] = [];
function track<T extends number | number[]>(fds: T): T {
  openFds.push(...(Array.isArray(fds) ? fds : [fds]));
  return fds;
}
afterEach(() => {
  for (const fd of openFds.splice(0)) {
    try {
      libc.close(fd);
    } catch {
      // already closed by the test
    }
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('native libc bindings', function () {
  this.timeout(20_000);

  describe('sockets', () => {
    it('carries bytes over a socketpair and epoll reports EPOLLIN on the other end', () => {
      const [a, b] = track(libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM));
      const ep = track(libc.epoll_create1(libc.EPOLL_CLOEXEC));
      libc.epoll_ctl(ep, libc.EPOLL_CTL_ADD, b, { events: libc.EPOLLIN | libc.EPOLLRDHUP });
      const events: EpollEvent[] = [];
      assert.equal(libc.epoll_wait(ep, events, 8, 0), 0, 'nothing is ready before the write');
      assert.equal(libc.write(a, 'hello, epoll'), 12);
      assert.equal(libc.epoll_wait(ep, events, 8, 1000), 1);
      assert.equal(events[0].data.fd, b);
      assert.deepEqual(libc.epollEvents(events[0].events), ['EPOLLIN']);
      assert.equal(libc.readString(b, 100), 'hello, epoll');
      libc.shutdown(a, libc.SHUT_WR);
      assert.equal(libc.epoll_wait(ep, events, 8, 1000), 1);
      assert.deepEqual(libc.epollEvents(events[0].events), ['EPOLLIN', 'EPOLLRDHUP']);
      assert.equal(libc.readString(b, 100), '', 'EOF after the peer shut down writing');
    });

    it('keeps u32/u64 epoll data as given', () => {
      const [a, b] = track(libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM));
      const ep = track(libc.epoll_create1());
      libc.epoll_ctl(ep, libc.EPOLL_CTL_ADD, a, { events: libc.EPOLLOUT, data: { u64: 0x1234_5678_9abc_def0n } });
      libc.epoll_ctl(ep, libc.EPOLL_CTL_ADD, b, { events: libc.EPOLLOUT | libc.EPOLLET, data: { u32: 0xfffffffe } });
      const events: EpollEvent[] = [];
      assert.equal(libc.epoll_wait(ep, events, 8, 1000), 2);
      const byData = events.map((e) => e.data.u64).sort();
      assert.deepEqual(byData, [0xfffffffen, 0x1234_5678_9abc_def0n].sort());
      libc.epoll_ctl(ep, libc.EPOLL_CTL_DEL, a);
      assert.throws(() => libc.epoll_ctl(ep, libc.EPOLL_CTL_DEL, a), { code: 'ENOENT', syscall: 'epoll_ctl' });
    });

    it('does TCP listen/connect/accept on 127.0.0.1 with an ephemeral port', () => {
      const server = track(libc.socket(libc.AF_INET, libc.SOCK_STREAM));
      libc.setsockopt(server, libc.SOL_SOCKET, libc.SO_REUSEADDR, 1);
      assert.equal(libc.getsockopt(server, libc.SOL_SOCKET, libc.SO_REUSEADDR), 1);
      libc.bind(server, libc.sockaddr('127.0.0.1:0'));
      libc.listen(server, 8);
      const local = libc.getsockname(server);
      assert.equal(local.family, libc.AF_INET);
      assert.ok(local.port > 0);
      assert.equal(String(local), `127.0.0.1:${local.port}`);

      const client = track(libc.socket(libc.AF_INET, libc.SOCK_STREAM));
      libc.connect(client, libc.sockaddr(`127.0.0.1:${local.port}`));
      const peer = libc.sockaddrStorage();
      const conn = track(libc.accept4(server, peer, libc.SOCK_CLOEXEC));
      assert.equal(libc.describeSockaddr(peer), String(libc.getsockname(client)));
      assert.equal(String(libc.getpeername(conn)), String(peer));

      assert.equal(libc.send(client, 'ping'), 4);
      const buf = Buffer.alloc(16);
      assert.equal(libc.recv(conn, buf), 4);
      assert.equal(buf.toString('utf8', 0, 4), 'ping');
      libc.shutdown(client, libc.SHUT_WR);
      assert.equal(libc.recv(conn, buf), 0);
    });

    it('reports ECONNREFUSED with code, errno and strerror text', () => {
      const probe = track(libc.socket(libc.AF_INET, libc.SOCK_STREAM));
      libc.bind(probe, libc.sockaddr('127.0.0.1:0'));
      const port = libc.getsockname(probe).port; // bound but not listening: connecting is refused
      const client = track(libc.socket(libc.AF_INET, libc.SOCK_STREAM));
      assert.throws(
        () => libc.connect(client, libc.sockaddr(`127.0.0.1:${port}`)),
        (err: unknown) =>
          err instanceof SyscallError &&
          err.code === 'ECONNREFUSED' &&
          err.errno === libc.ECONNREFUSED &&
          err.syscall === 'connect' &&
          err.message === 'connect: ECONNREFUSED (Connection refused)',
      );
    });

    it('speaks IPv6 on ::1', () => {
      const server = track(libc.socket(libc.AF_INET6, libc.SOCK_STREAM));
      libc.bind(server, libc.sockaddr('[::1]:0'));
      libc.listen(server);
      const local = libc.getsockname(server);
      assert.match(String(local), /^\[::1\]:\d+$/);
      const client = track(libc.socket(libc.AF_INET6, libc.SOCK_STREAM));
      libc.connect(client, local);
      const conn = track(libc.accept4(server));
      libc.writeString(conn, 'over v6');
      assert.equal(libc.readString(client, 64), 'over v6');
      assert.equal(libc.getpeername(client).family, libc.AF_INET6);
    });

    it('sends and receives UDP datagrams with sendto/recvfrom', () => {
      const rx = track(libc.socket(libc.AF_INET, libc.SOCK_DGRAM));
      libc.bind(rx, libc.sockaddr('127.0.0.1:0'));
      const tx = track(libc.socket(libc.AF_INET, libc.SOCK_DGRAM));
      libc.bind(tx, libc.sockaddr('127.0.0.1:0'));
      assert.equal(libc.sendto(tx, 'datagram', undefined, 0, libc.getsockname(rx)), 8);
      const from = libc.sockaddrStorage();
      const buf = Buffer.alloc(64);
      assert.equal(libc.recvfrom(rx, buf, 64, 0, from), 8);
      assert.equal(buf.toString('utf8', 0, 8), 'datagram');
      assert.equal(String(from), String(libc.getsockname(tx)));
      assert.throws(() => libc.recvfrom(rx, buf, 64, libc.MSG_DONTWAIT), { code: 'EAGAIN' });
    });

    describe('unix sockets and FIFOs', () => {
      let dir = '';
      beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockbook-native-'));
      });
      afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

      it('binds and connects an AF_UNIX socket by path', () => {
        const file = path.join(dir, 'srv.sock');
        const server = track(libc.socket(libc.AF_UNIX, libc.SOCK_STREAM));
        libc.bind(server, libc.sockaddr(file));
        libc.listen(server);
        assert.equal(String(libc.getsockname(server)), file);
        const client = track(libc.socket(libc.AF_UNIX, libc.SOCK_STREAM));
        libc.connect(client, libc.sockaddr(file));
        const conn = track(libc.accept4(server));
        libc.writeString(client, 'unix');
        assert.equal(libc.readString(conn), 'unix');
        libc.unlink(file);
        assert.throws(() => libc.unlink(file), { code: 'ENOENT', message: 'unlink: ENOENT (No such file or directory)' });
      });

      it('passes data through a FIFO made with mkfifo', () => {
        const fifo = path.join(dir, 'fifo');
        libc.mkfifo(fifo, 0o600);
        assert.ok(fs.statSync(fifo).isFIFO());
        const r = track(libc.open(fifo, libc.O_RDONLY | libc.O_NONBLOCK));
        const w = track(libc.open(fifo, libc.O_WRONLY));
        libc.writeString(w, 'through the fifo');
        assert.equal(libc.readString(r), 'through the fifo');
        assert.throws(() => libc.mkfifo(fifo), { code: 'EEXIST' });
      });
    });
  });

  describe('addresses', () => {
    it('parses and prints IPv4, IPv6 and unix addresses', () => {
      assert.equal(libc.describeSockaddr(libc.sockaddr('127.0.0.1:31008')), '127.0.0.1:31008');
      assert.equal(libc.describeSockaddr(libc.sockaddr('[::1]:31008')), '[::1]:31008');
      assert.equal(libc.describeSockaddr(libc.sockaddr('/tmp/x.sock')), '/tmp/x.sock');
      assert.equal(libc.describeSockaddr(libc.sockaddr('@hidden')), '@hidden');
      const v4 = libc.sockaddr('10.1.2.3:80');
      assert.equal(v4.len, koffi.sizeof('sockaddr_in'));
      assert.deepEqual([...v4.buffer.subarray(2, 8)], [0, 80, 10, 1, 2, 3], 'port and address in network order');
    });

    it('rejects bad addresses with a clear error', () => {
      assert.throws(() => libc.sockaddr('localhost:80'), /resolve host names with getaddrinfo/);
      assert.throws(() => libc.sockaddr('127.0.0.1:70000'), /bad port '70000'/);
      assert.throws(() => libc.sockaddr('300.1.1.1:1'), /'300.1.1.1' is not a valid IPv4 address/);
      assert.throws(() => libc.sockaddr('/' + 'x'.repeat(200)), /longer than 107 bytes/);
    });

    it('converts with inet_pton/inet_ntop and htons/ntohs', () => {
      assert.deepEqual([...libc.inet_pton(libc.AF_INET, '192.168.0.1')], [192, 168, 0, 1]);
      assert.equal(libc.inet_ntop(libc.AF_INET6, libc.inet_pton(libc.AF_INET6, '0:0::1')), '::1');
      assert.equal(libc.ntohs(libc.htons(31008)), 31008);
      const net = Buffer.alloc(2);
      net.writeUInt16LE(libc.htons(0x1234));
      assert.deepEqual([...net], os.endianness() === 'LE' ? [0x12, 0x34] : [0x34, 0x12]);
      assert.equal(libc.ntohl(libc.htonl(0x7f000001)), libc.INADDR_LOOPBACK);
    });

    it('resolves 127.0.0.1 with getaddrinfo and frees the list', () => {
      const list = libc.getaddrinfo('127.0.0.1', '31008', { socktype: libc.SOCK_STREAM });
      assert.equal(list.length, 1);
      const [ai] = list;
      assert.equal(ai.family, libc.AF_INET);
      assert.equal(ai.socktype, libc.SOCK_STREAM);
      assert.equal(ai.protocol, libc.IPPROTO_TCP);
      assert.equal(ai.address, '127.0.0.1');
      assert.equal(ai.port, 31008);
      assert.equal(String(ai.addr), '127.0.0.1:31008');
      const v6 = libc.getaddrinfo('::1', null, { family: libc.AF_INET6, socktype: libc.SOCK_DGRAM });
      assert.deepEqual(v6.map((e) => [e.family, e.address, e.port]), [[libc.AF_INET6, '::1', 0]]);
    });

    it('fails getaddrinfo of a name that does not exist with the gai_strerror text', async () => {
      const name = 'no-such-host.invalid';
      for (const attempt of [() => libc.getaddrinfo(name, '80'), () => libc.getaddrinfo_async(name, '80')]) {
        await assert.rejects(
          async () => attempt(),
          (err: unknown) =>
            err instanceof GaiError &&
            ['EAI_NONAME', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_FAIL'].includes(err.code) &&
            err.message === `getaddrinfo: ${libc.gai_strerror(err.errno)} (${name} 80)`,
        );
      }
      assert.equal(libc.gai_strerror(libc.EAI_NONAME), 'Name or service not known');
    });
  });

  describe('errors', () => {
    it('throws EBADF with code, errno, syscall and message on a bad fd', () => {
      assert.throws(
        () => libc.read(12345, Buffer.alloc(4)),
        (err: unknown) =>
          err instanceof SyscallError &&
          err.errno === libc.EBADF &&
          err.code === 'EBADF' &&
          err.syscall === 'read' &&
          err.message === 'read: EBADF (Bad file descriptor)',
      );
      assert.throws(() => libc.close(-1), { name: 'SyscallError', code: 'EBADF', message: 'close: EBADF (Bad file descriptor)' });
    });

    it('maps errno numbers to names', () => {
      assert.equal(libc.errnoName(libc.EAGAIN), 'EAGAIN');
      assert.equal(libc.EWOULDBLOCK, libc.EAGAIN);
      assert.equal(libc.errnoName(libc.ECONNREFUSED), 'ECONNREFUSED');
      assert.equal(libc.strerror(libc.EPIPE), 'Broken pipe');
      assert.equal(libc.signalName(libc.SIGINT), 'SIGINT');
    });

    it('gives EAGAIN on an empty pipe made non-blocking with fcntl', () => {
      const [r, w] = track(libc.pipe2(libc.O_CLOEXEC));
      const flags = libc.fcntl(r, libc.F_GETFL);
      assert.equal(flags & libc.O_NONBLOCK, 0);
      libc.fcntl(r, libc.F_SETFL, flags | libc.O_NONBLOCK);
      assert.equal(libc.fcntl(r, libc.F_GETFL) & libc.O_NONBLOCK, libc.O_NONBLOCK);
      assert.equal(libc.fcntl(r, libc.F_GETFD) & libc.FD_CLOEXEC, libc.FD_CLOEXEC);
      assert.throws(() => libc.read(r, Buffer.alloc(8)), { code: 'EAGAIN', message: 'read: EAGAIN (Resource temporarily unavailable)' });
      libc.write(w, Buffer.from([1, 2, 3]));
      assert.deepEqual([...libc.readBuffer(r, 8)], [1, 2, 3]);
    });

    it('reads and writes a socket as read(2) and write(2) do: at once when ready, EAGAIN when non-blocking, errors named read and write', () => {
      const [a, b] = track(libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM));
      libc.fcntl(b, libc.F_SETFL, libc.fcntl(b, libc.F_GETFL) | libc.O_NONBLOCK);
      assert.throws(() => libc.read(b, Buffer.alloc(8)), { code: 'EAGAIN', syscall: 'read', message: 'read: EAGAIN (Resource temporarily unavailable)' });
      assert.equal(libc.writeString(a, 'ping'), 4);
      assert.equal(libc.readString(b), 'ping');
      assert.equal(libc.write(b, 'pong'), 4);
      assert.equal(libc.readString(a), 'pong', 'a blocking socket with data is read at once');
      libc.shutdown(a, libc.SHUT_WR);
      assert.equal(libc.readString(b), '', 'end of file');
      assert.throws(() => libc.write(a, 'late'), { code: 'EPIPE', syscall: 'write' });
    });

    it('polls a pipe with poll()', () => {
      const [r, w] = track(libc.pipe2());
      const fds: Pollfd[] = [{ fd: r, events: libc.POLLIN }, { fd: w, events: libc.POLLOUT }];
      assert.equal(libc.poll(fds, 0), 1);
      assert.deepEqual(fds.map((p) => p.revents), [0, libc.POLLOUT]);
      libc.write(w, 'x');
      assert.equal(libc.poll(fds, 1000), 2);
      assert.equal(fds[0].revents, libc.POLLIN);
      libc.close(w);
      assert.equal(libc.poll([{ fd: r, events: libc.POLLIN }], 20), 1, 'data then hang-up');
      assert.equal(libc.poll([{ fd: 99999, events: libc.POLLIN }], 0), 1, 'a closed fd is reported as POLLNVAL');
    });

    it('rejects a count larger than the buffer', () => {
      assert.throws(() => libc.read(0, Buffer.alloc(4), 8), /count 8 does not fit the 4-byte buffer/);
    });
  });

  describe('eventfd, timerfd, signalfd, processes', () => {
    it('counts with eventfd', () => {
      const efd = track(libc.eventfd(0, libc.EFD_NONBLOCK));
      assert.throws(() => libc.eventfd_read(efd), { code: 'EAGAIN' });
      libc.eventfd_write(efd, 3);
      libc.eventfd_write(efd, 4n);
      assert.equal(libc.eventfd_read(efd), 7n);
    });

    it('fires a timerfd and reports it through epoll', () => {
      const tfd = track(libc.timerfd_create(libc.CLOCK_MONOTONIC, libc.TFD_NONBLOCK | libc.TFD_CLOEXEC));
      const ep = track(libc.epoll_create1());
      libc.epoll_ctl(ep, libc.EPOLL_CTL_ADD, tfd, { events: libc.EPOLLIN });
      libc.timerfd_settime(tfd, 0, libc.itimerspec(30, 10));
      const events: EpollEvent[] = [];
      const started = Date.now();
      assert.equal(libc.epoll_wait(ep, events, 4, 2000), 1);
      assert.ok(Date.now() - started >= 20, 'not before the timer expired');
      assert.ok(libc.readUint64(tfd) >= 1n);
      assert.deepEqual(libc.timerfd_gettime(tfd).it_interval, { tv_sec: 0, tv_nsec: 10_000_000 });
      libc.timerfd_settime(tfd, 0, libc.itimerspec(0));
      assert.deepEqual(libc.timerfd_gettime(tfd).it_value, { tv_sec: 0, tv_nsec: 0 }, 'disarmed');
    });

    it('reads a blocked signal from a signalfd', () => {
      const set = libc.sigaddset(libc.sigemptyset(), libc.SIGUSR2);
      assert.ok(libc.sigismember(set, libc.SIGUSR2));
      const old = libc.sigprocmask(libc.SIG_BLOCK, set);
      try {
        const sfd = track(libc.signalfd(-1, set, libc.SFD_NONBLOCK | libc.SFD_CLOEXEC));
        assert.throws(() => libc.readSiginfo(sfd), { code: 'EAGAIN' });
        libc.raise(libc.SIGUSR2);
        const info = libc.readSiginfo(sfd);
        assert.equal(info.ssi_signo, libc.SIGUSR2);
        assert.equal(info.ssi_pid, libc.getpid());
      } finally {
        libc.sigprocmask(libc.SIG_SETMASK, old);
      }
    });

    it('checks processes with getpid and kill', () => {
      assert.equal(libc.getpid(), process.pid);
      assert.equal(libc.kill(process.pid, 0), 0);
      assert.throws(() => libc.kill(2 ** 22 + 12345, 0), { code: 'ESRCH', syscall: 'kill' });
    });

    it('formats with dprintf using the types of the format', () => {
      const [r, w] = track(libc.pipe2());
      const n = libc.dprintf(w, '%s=%d %ld %u %5.2f %c %x|%%\n', 'x', -3, 2 ** 40, 7, 3.14159, 66, 255);
      assert.equal(libc.readString(r), `x=-3 ${2 ** 40} 7  3.14 B ff|%\n`);
      assert.equal(n, `x=-3 ${2 ** 40} 7  3.14 B ff|%\n`.length);
      assert.throws(() => libc.dprintf(w, '%d %d', 1), /takes 2 argument\(s\), got 1/);
      assert.throws(() => libc.dprintf(w, '%s', 1), /must be a string/);
    });
  });

  describe('C layout and constants', () => {
    const layouts: Array<[string, string, string[]]> = [
      ['struct epoll_event', 'epoll_event', ['events', 'data']],
      ['epoll_data_t', 'epoll_data_t', []],
      ['struct sockaddr', 'sockaddr', ['sa_family', 'sa_data']],
      ['struct sockaddr_in', 'sockaddr_in', ['sin_family', 'sin_port', 'sin_addr', 'sin_zero']],
      ['struct sockaddr_in6', 'sockaddr_in6', ['sin6_family', 'sin6_port', 'sin6_flowinfo', 'sin6_addr', 'sin6_scope_id']],
      ['struct sockaddr_un', 'sockaddr_un', ['sun_family', 'sun_path']],
      ['struct sockaddr_storage', 'sockaddr_storage', ['ss_family']],
      ['struct in6_addr', 'in6_addr', []],
      ['struct addrinfo', 'addrinfo', ['ai_flags', 'ai_family', 'ai_socktype', 'ai_protocol', 'ai_addrlen', 'ai_addr', 'ai_canonname', 'ai_next']],
      ['struct pollfd', 'pollfd', ['fd', 'events', 'revents']],
      ['struct timespec', 'timespec', ['tv_sec', 'tv_nsec']],
      ['struct itimerspec', 'itimerspec', ['it_interval', 'it_value']],
      ['sigset_t', 'sigset_t', []],
      ['struct signalfd_siginfo', 'signalfd_siginfo', ['ssi_signo', 'ssi_pid', 'ssi_status', 'ssi_ptr', 'ssi_addr', 'ssi_addr_lsb', 'ssi_syscall', 'ssi_call_addr', 'ssi_arch']],
    ];
    const headers = ['sys/epoll.h', 'sys/socket.h', 'sys/un.h', 'netinet/in.h', 'netdb.h', 'poll.h', 'time.h', 'signal.h', 'sys/signalfd.h', 'sys/timerfd.h', 'stddef.h', 'stdio.h', 'errno.h', 'fcntl.h', 'sys/eventfd.h'];
    const prelude = '#define _GNU_SOURCE\n' + headers.map((h) => `#include <${h}>\n`).join('');

    it('matches the C sizes, alignments and member offsets of every struct', async () => {
      const lines = layouts.map(([ctype, name, members]) => {
        const offsets = members.map((m) => `printf(" %zu", offsetof(${ctype}, ${m}));`).join(' ');
        return `printf("${name} %zu %zu", sizeof(${ctype}), _Alignof(${ctype})); ${offsets} printf("\\n");`;
      });
      const out = await compileAndRun(`${prelude}int main(void) {\n${lines.join('\n')}\nreturn 0;\n}\n`);
      const fromC = out.trim().split('\n');
      const fromKoffi = layouts.map(([, name, members]) =>
        [name, koffi.sizeof(name), koffi.alignof(name), ...members.map((m) => koffi.offsetof(name, m))].join(' '),
      );
      assert.deepEqual(fromKoffi, fromC);
      assert.equal(koffi.sizeof('epoll_event'), process.arch === 'x64' ? 12 : 16);
    });

    it('has the values the C headers give', async () => {
      const sample = ['EPOLLIN', 'EPOLLET', 'EPOLLRDHUP', 'AF_INET6', 'SOCK_NONBLOCK', 'SO_REUSEADDR', 'SOL_SOCKET', 'O_NONBLOCK', 'F_SETFL', 'MSG_NOSIGNAL', 'SIGRTMIN', 'EFD_SEMAPHORE', 'TFD_TIMER_ABSTIME', 'AI_PASSIVE', 'EAI_NONAME', 'INADDR_LOOPBACK', 'ECONNREFUSED', 'EHWPOISON', 'EWOULDBLOCK'] as const;
      const body = sample.map((n) => `printf("%s %lld\\n", "${n}", (long long)(${n}));`).join('\n');
      const out = await compileAndRun(`${prelude}#include <arpa/inet.h>\nint main(void) {\n${body}\nreturn 0;\n}\n`);
      assert.deepEqual(sample.map((n) => `${n} ${libc[n]}`), out.trim().split('\n'));
    });

    it('exposes exactly the generated constants, frozen', () => {
      const generated = JSON.parse(fs.readFileSync(nativeArtifact('constants.json'), 'utf8')) as Record<string, number>;
      assert.deepEqual(Object.keys(generated).sort(), [...allConstantNames].sort());
      assert.ok(Object.isFrozen(libc.constants) && Object.isFrozen(libc));
      assert.throws(() => {
        (libc.constants as Record<string, number>).EPOLLIN = 5;
      }, TypeError);
    });

    it('loads a second time without redeclaring koffi types', () => {
      const dir = path.join(__dirname, '..', 'native');
      const cached = Object.keys(require.cache).filter((file) => file.startsWith(dir + path.sep));
      const saved = cached.map((file) => [file, require.cache[file]] as const);
      for (const file of cached) delete require.cache[file];
      try {
        const again = require(path.join(dir, 'libc.js')) as typeof import('../native/libc');
        assert.notEqual(again.libc, libc);
        assert.equal(again.libc.getpid(), process.pid);
        assert.equal(again.libc.describeSockaddr(again.libc.sockaddr('[::1]:7')), '[::1]:7');
      } finally {
        for (const [file, mod] of saved) require.cache[file] = mod;
      }
    });
  });

  describe('interrupts and async calls', () => {
    const children: ChildProcess[] = [];
    afterEach(() => {
      for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    /** Starts the child helper and collects its JSON report lines. */
    function startChild(mode: string): { child: ChildProcess; reports: Array<Record<string, unknown>>; next: () => Promise<Record<string, unknown>>; stdout: () => string } {
      const child = spawn(process.execPath, [path.join(__dirname, 'support', 'native-child.js'), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let text = '';
      let stderr = '';
      const reports: Array<Record<string, unknown>> = [];
      const waiters: Array<() => void> = [];
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const lines = text.split('\n');
        for (const line of lines.slice(reports.length, -1)) if (line.startsWith('{')) reports.push(JSON.parse(line));
        waiters.splice(0).forEach((w) => w());
      });
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      let taken = 0;
      const next = (): Promise<Record<string, unknown>> =>
        new Promise((resolve, reject) => {
          const check = (): void => {
            if (reports.length > taken) resolve(reports[taken++]);
            else if (child.exitCode !== null) reject(new Error(`child exited ${child.exitCode}: ${stderr}`));
            else waiters.push(check);
          };
          child.once('exit', () => waiters.splice(0).forEach((w) => w()));
          check();
        });
      return { child, reports, next, stdout: () => text };
    }

    /** Waits until the child sleeps in the kernel (so the signal finds it inside the call). */
    async function untilSleeping(pid: number): Promise<void> {
      for (let i = 0; i < 100; i++) {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('S')) {
          const syscall = fs.readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ')[0];
          if (syscall !== 'running') return;
        }
        await sleep(20);
      }
      throw new Error('the child never blocked');
    }

    const interruptedCall: Record<string, string> = { 'epoll-sigint': 'epoll_wait', 'read-sigint': 'read', 'socket-read-sigint': 'read', 'accept-sigint': 'accept4' };
    for (const [mode, call] of Object.entries(interruptedCall)) {
      it(`ends a blocking ${mode.replace(/-sigint$/, '').replace('-', ' ')} on SIGINT within 1 s and the process lives on`, async () => {
        const { child, next } = startChild(mode);
        assert.deepEqual(await next(), { ready: true });
        await untilSleeping(child.pid!);
        await sleep(100);
        const sent = Date.now();
        process.kill(child.pid!, 'SIGINT');
        const report = await next();
        assert.ok(Date.now() - sent < 1000, 'the call returned within 1 s');
        assert.deepEqual(report.thrown, { name: 'KeyboardInterrupt', message: `${call} interrupted` });
        assert.equal(report.counter, 42, 'state from before the call is intact');
        assert.equal(report.sigintEvents, 1, "the process's own SIGINT listener still ran");
        assert.equal(report.pid, true);
        await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
        assert.equal(child.exitCode, 0);
      });
    }

    it('flushes printf output to fd 1 with fflush', async () => {
      const { child, stdout } = startChild('printf');
      await new Promise((resolve) => child.once('exit', resolve));
      assert.equal(stdout(), `printf text -7 ${2 ** 40} 2.500 A|   ff|\n`);
    });

    it('waits in epoll_wait_async without blocking a setInterval timer', async () => {
      const [a, b] = track(libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM));
      const ep = track(libc.epoll_create1());
      libc.epoll_ctl(ep, libc.EPOLL_CTL_ADD, b, { events: libc.EPOLLIN });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      try {
        const writer = setTimeout(() => libc.writeString(a, 'x'), 300);
        const events: EpollEvent[] = [];
        const n = await libc.epoll_wait_async(ep, events, 8, 5000);
        clearTimeout(writer);
        assert.equal(n, 1);
        assert.equal(events[0].data.fd, b);
        assert.ok(ticks >= 10, `the timer kept ticking during the wait (${ticks} ticks)`);
        assert.equal(await libc.epoll_wait_async(ep, [], 8, 0), 1, 'still readable: level triggered');
        libc.readString(b);
        const t0 = Date.now();
        assert.equal(await libc.epoll_wait_async(ep, events, 8, 150), 0, 'times out');
        assert.ok(Date.now() - t0 >= 140);
        assert.deepEqual(events, []);
      } finally {
        clearInterval(timer);
      }
    });

    it('finishes epoll_wait_async and read_async at once when ready, and still lets timers run between such calls', async () => {
      const [a, b] = track(libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM));
      const ep = track(libc.epoll_create1());
      libc.epoll_ctl(ep, libc.EPOLL_CTL_ADD, b, { events: libc.EPOLLIN });
      libc.writeString(a, 'x'); // stays readable: level triggered
      const events: EpollEvent[] = [];
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      try {
        let calls = 0;
        const until = Date.now() + 100;
        while (Date.now() < until) {
          assert.equal(await libc.epoll_wait_async(ep, events, 8, -1), 1);
          assert.equal(events[0].data.fd, b);
          calls++;
        }
        assert.ok(ticks >= 3, `the timer ran during ${calls} calls that found an event at once (${ticks} ticks)`);
        // Such a loop still ends with KeyboardInterrupt (at its next turn of the event loop).
        const interrupter = setTimeout(() => libc.interruptPendingCalls(), 20);
        const started = Date.now();
        await assert.rejects(async () => {
          for (;;) await libc.epoll_wait_async(ep, events, 8, -1);
        }, libc.KeyboardInterrupt);
        clearTimeout(interrupter);
        assert.ok(Date.now() - started < 1000, 'the loop was interrupted within 1 s');
        assert.equal(await libc.read_async(b, Buffer.alloc(8)), 1);
      } finally {
        clearInterval(timer);
      }
    });

    it('rejects pending async calls with KeyboardInterrupt within ~100 ms of interruptPendingCalls()', async () => {
      const [a, b] = track(libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM));
      const ep = track(libc.epoll_create1());
      libc.epoll_ctl(ep, libc.EPOLL_CTL_ADD, b, { events: libc.EPOLLIN });
      const server = track(libc.socket(libc.AF_INET, libc.SOCK_STREAM));
      libc.bind(server, libc.sockaddr('127.0.0.1:0'));
      libc.listen(server);
      const calls = [libc.epoll_wait_async(ep, [], 8, -1), libc.read_async(b, Buffer.alloc(8)), libc.accept4_async(server)];
      const settled = Promise.allSettled(calls);
      await sleep(150);
      assert.equal(libc.pendingCallCount(), 3);
      const t0 = Date.now();
      assert.equal(libc.interruptPendingCalls(), 3);
      const results = await settled;
      assert.ok(Date.now() - t0 < 300, `rejected in ${Date.now() - t0} ms`);
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.ok((r as PromiseRejectedResult).reason instanceof KeyboardInterrupt);
      }
      assert.equal(libc.pendingCallCount(), 0);
      // a call started after the interrupt works normally
      libc.writeString(a, 'after');
      const buf = Buffer.alloc(8);
      assert.equal(await libc.read_async(b, buf), 5);
      assert.equal(buf.toString('utf8', 0, 5), 'after');
    });

    it('accepts, connects and receives asynchronously', async () => {
      const server = track(libc.socket(libc.AF_INET, libc.SOCK_STREAM));
      libc.bind(server, libc.sockaddr('127.0.0.1:0'));
      libc.listen(server);
      const client = track(libc.socket(libc.AF_INET, libc.SOCK_STREAM));
      const accepted = libc.accept4_async(server, libc.sockaddrStorage());
      await libc.connect_async(client, libc.getsockname(server));
      const conn = track(await accepted);
      const udp = track(libc.socket(libc.AF_INET, libc.SOCK_DGRAM));
      libc.bind(udp, libc.sockaddr('127.0.0.1:0'));
      const udpTx = track(libc.socket(libc.AF_INET, libc.SOCK_DGRAM));
      libc.bind(udpTx, libc.sockaddr('127.0.0.1:0'));
      setTimeout(() => {
        libc.send(conn, 'tcp!');
        libc.sendto(udpTx, 'udp!', undefined, 0, libc.getsockname(udp));
      }, 50);
      const buf = Buffer.alloc(8);
      assert.equal(await libc.recv_async(client, buf), 4);
      assert.equal(buf.toString('utf8', 0, 4), 'tcp!');
      const from = libc.sockaddrStorage();
      assert.equal(await libc.recvfrom_async(udp, buf, 8, 0, from), 4);
      assert.equal(buf.toString('utf8', 0, 4), 'udp!');
      assert.equal(String(from), String(libc.getsockname(udpTx)));
      const reading = libc.readStringAsync(conn, 8);
      libc.writeString(client, 'last');
      assert.equal(await reading, 'last');
    });
  });
});
