// A child process for native tests that need a process of their own:
//   epoll-sigint / read-sigint / socket-read-sigint / accept-sigint: install a
//     SIGINT listener (as the executor does), print "ready", block in
//     epoll_wait(-1) / read of a pipe / read of a socket / accept4 until
//     SIGINT, then report what was thrown, how long the call lasted, and
//     that the process state survived.
//   printf: printf + fflush to fd 1.
// It prints one JSON line per report.
import { libc } from '../../native/libc';

const mode = process.argv[2];
let sigintEvents = 0;
process.on('SIGINT', () => {
  sigintEvents++;
});

function report(value: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

function blockingCall(): () => unknown {
  if (mode === 'epoll-sigint') {
    const ep = libc.epoll_create1(0);
    const [r] = libc.pipe2(0);
    libc.epoll_ctl(ep, libc.EPOLL_CTL_ADD, r, { events: libc.EPOLLIN });
    return () => libc.epoll_wait(ep, [], 8, -1);
  }
  if (mode === 'read-sigint') {
    const [r] = libc.pipe2(0);
    return () => libc.read(r, Buffer.alloc(16));
  }
  if (mode === 'socket-read-sigint') {
    // A blocking socket: read tries recv(MSG_DONTWAIT) first, then must still wait interruptibly.
    const [r] = libc.socketpair(libc.AF_UNIX, libc.SOCK_STREAM);
    return () => libc.read(r, Buffer.alloc(16));
  }
  if (mode === 'accept-sigint') {
    const s = libc.socket(libc.AF_INET, libc.SOCK_STREAM);
    libc.bind(s, libc.sockaddr('127.0.0.1:0'));
    libc.listen(s);
    return () => libc.accept4(s);
  }
  throw new Error(`unknown mode ${mode}`);
}

if (mode === 'printf') {
  libc.printf('printf %s %d %ld %.3f %c|%5x|\n', 'text', -7, 2 ** 40, 2.5, 65, 255);
  libc.fflush();
} else {
  const state = { counter: 41 };
  const call = blockingCall();
  report({ ready: true });
  const started = Date.now();
  let thrown: { name: string; message: string } | null = null;
  try {
    call();
  } catch (err) {
    thrown = { name: (err as Error).name, message: (err as Error).message };
  }
  const elapsedMs = Date.now() - started;
  state.counter++; // the process and its state outlive the interrupted call
  setTimeout(() => {
    report({ thrown, elapsedMs, counter: state.counter, sigintEvents, pid: libc.getpid() === process.pid });
  }, 50);
}
