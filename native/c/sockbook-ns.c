// sockbook-ns: private network, /tmp and PIDs for one kernel.
//
//   sockbook-ns hold [--net] [--tmp] [--tmp-size BYTES] [--pid] [--keep DIR]...
//     Creates the namespaces and keeps them alive. --net: a new network
//     namespace with loopback up. --tmp: a new mount namespace with a fresh
//     tmpfs on /tmp and on /dev/shm, each at most --tmp-size bytes (the
//     default: half the memory, tmpfs's own); each --keep DIR under /tmp
//     (absolute, no symlinks) is bound back in, so the notebook's directory
//     stays shared with the kernel. --pid: a new PID namespace, whose init
//     (pid 1, a child of the holder) reaps orphans and dies with the holder,
//     which makes the kernel kill everything left in the namespace. Not root:
//     a user namespace mapping the caller's own ids comes first. Prints
//     "ready" (or "error: WHY") on stdout, then waits until stdin reaches end
//     of file or its parent dies.
//
//   sockbook-ns enter PID [--pid] -- PROGRAM [ARG]...
//     Joins the namespaces of process PID (the holder), returns to the
//     current directory, and executes PROGRAM. No fd is closed, so pipes the
//     caller handed over (Node's IPC channel, the runner's fds 3 and 4) stay.
//     Joining a mount namespace needs a single-threaded process: Node cannot
//     do it itself, this small program does it before becoming Node.
//     --pid: also the PID namespace, which only PROGRAM's children enter:
//     PROGRAM (the runner's helper) keeps the machine's /proc and pids, and
//     what it starts can signal no process outside the namespace.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "own-fds.h"

#define MAX_KEEP 16

static void on_child(int sig) { (void)sig; }

static void hold_fail(const char *fmt, ...) {
  char text[PATH_MAX + 256];
  int saved = errno;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  dprintf(1, "error: %s: %s\n", text, strerror(saved));
  _exit(1);
}

static void write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) hold_fail("open %s", path);
  size_t n = strlen(text);
  if (write(fd, text, n) != (ssize_t)n) hold_fail("write %s", path);
  close(fd);
}

// Without root: a user namespace in which this process has the capabilities
// the other namespaces need. The ids map to themselves, so files written in
// the notebook's directory keep their owner.
static void enter_user_namespace(void) {
  uid_t uid = geteuid();
  gid_t gid = getegid();
  if (unshare(CLONE_NEWUSER) < 0) hold_fail("unshare(CLONE_NEWUSER) as uid %d", (int)uid);
  char map[64];
  snprintf(map, sizeof map, "%d %d 1\n", (int)uid, (int)uid);
  write_file("/proc/self/uid_map", map);
  write_file("/proc/self/setgroups", "deny\n");
  snprintf(map, sizeof map, "%d %d 1\n", (int)gid, (int)gid);
  write_file("/proc/self/gid_map", map);
}

static void loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) hold_fail("socket for loopback");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) hold_fail("SIOCGIFFLAGS lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) hold_fail("bring loopback up");
  close(s);
}

// mkdir -p inside the new /tmp.
static void make_dirs(const char *path) {
  char buf[PATH_MAX];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) hold_fail("mkdir %s", buf);
    *p = '/';
  }
  if (mkdir(buf, 0755) < 0 && errno != EEXIST) hold_fail("mkdir %s", buf);
}

static void private_tmp(const char **keep, int nkeep, const char *size) {
  // Open what must stay visible before the tmpfs hides it.
  int keep_fd[MAX_KEEP];
  for (int i = 0; i < nkeep; i++) {
    keep_fd[i] = open(keep[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (keep_fd[i] < 0) hold_fail("open %s", keep[i]);
  }
  // Nothing mounted here may show outside (nor the other way).
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) hold_fail("make / private");
  char options[64] = "mode=1777";
  if (size) snprintf(options, sizeof options, "mode=1777,size=%s", size);
  if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, options) < 0) hold_fail("mount tmpfs on /tmp (%s)", options);
  struct stat st;
  if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
      mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, options) < 0) {
    hold_fail("mount tmpfs on /dev/shm");
  }
  for (int i = 0; i < nkeep; i++) {
    char source[64];
    snprintf(source, sizeof source, "/proc/self/fd/%d", keep_fd[i]);
    make_dirs(keep[i]);
    if (mount(source, keep[i], NULL, MS_BIND | MS_REC, NULL) < 0) hold_fail("bind %s", keep[i]);
    close(keep_fd[i]);
  }
}

// After PR_SET_PDEATHSIG in a child of a new PID namespace (whose parent,
// outside it, getppid() cannot name): did the parent die before it was set?
// The parent holds the write end of the pipe whose read end is fd.
static int parent_already_gone(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return poll(&p, 1, 0) > 0 && (p.revents & POLLHUP);
}

// pid 1 of the new PID namespace: mounts the namespace's own /proc (so that
// the runner's helpers, inside, see their own pids), then reaps what is
// orphaned in it. When it ends, the kernel kills every process of the
// namespace; it ends with the holder.
static void pid_namespace_init(int holder_alive_fd, int ready_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (parent_already_gone(holder_alive_fd)) _exit(0);
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
    dprintf(ready_fd, "mount /proc for the PID namespace: %s", strerror(errno));
    _exit(1);
  }
  if (write(ready_fd, "", 1) != 1) _exit(1);
  close(ready_fd);
  for (int fd = 0; fd < 3; fd++) close(fd);
  sigset_t chld, empty;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigemptyset(&empty);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  signal(SIGCHLD, on_child);
  for (;;) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    sigsuspend(&empty);
  }
}

// Starts the PID namespace's init and waits until it is ready.
static void start_pid_namespace(void) {
  int alive[2], ready[2];
  if (pipe2(alive, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0) hold_fail("pipe");
  pid_t init = fork();
  if (init < 0) hold_fail("fork the PID namespace's init");
  if (init == 0) {
    close(alive[1]);
    close(ready[0]);
    pid_namespace_init(alive[0], ready[1]);
  }
  close(alive[0]);  // alive[1] stays open as long as the holder lives
  close(ready[1]);
  char answer[256];
  ssize_t n = read(ready[0], answer, sizeof answer - 1);
  if (n != 1 || answer[0] != 0) {
    answer[n > 0 ? n : 0] = 0;
    errno = 0;
    hold_fail("%s", n > 0 ? answer : "the PID namespace's init ended");
  }
  close(ready[0]);
}

static int hold(int argc, char **argv) {
  int net = 0, tmp = 0, pid = 0, nkeep = 0;
  const char *keep[MAX_KEEP];
  const char *tmp_size = NULL;
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--net")) net = 1;
    else if (!strcmp(argv[i], "--tmp")) tmp = 1;
    else if (!strcmp(argv[i], "--pid")) pid = 1;
    else if (!strcmp(argv[i], "--tmp-size") && i + 1 < argc) {
      tmp_size = argv[++i];
      if (strspn(tmp_size, "0123456789") != strlen(tmp_size) || !*tmp_size) {
        fprintf(stderr, "sockbook-ns: --tmp-size wants a number of bytes, not %s\n", tmp_size);
        return 2;
      }
    }
    else if (!strcmp(argv[i], "--keep") && i + 1 < argc) {
      const char *dir = argv[++i];
      // Only directories under /tmp are hidden by the new /tmp.
      if (dir[0] != '/' || strncmp(dir, "/tmp/", 5) != 0) continue;
      if (nkeep == MAX_KEEP) { errno = E2BIG; hold_fail("more than %d --keep directories", MAX_KEEP); }
      keep[nkeep++] = dir;
    } else {
      fprintf(stderr, "sockbook-ns: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (!net && !tmp && !pid) {
    fprintf(stderr, "sockbook-ns hold: nothing to isolate (--net, --tmp, --pid)\n");
    return 2;
  }
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) return 1;  // the kernel died before we could watch it
  if (chdir("/") < 0) hold_fail("chdir /");  // pin nothing of the kernel's directory
  if (geteuid() != 0) enter_user_namespace();
  // A PID namespace brings a mount namespace: it has a /proc of its own.
  int mnt = tmp || pid;
  if (unshare((net ? CLONE_NEWNET : 0) | (mnt ? CLONE_NEWNS : 0) | (pid ? CLONE_NEWPID : 0)) < 0) {
    hold_fail("unshare(%s%s%s%s%s)", net ? "CLONE_NEWNET" : "", net && mnt ? "|" : "", mnt ? "CLONE_NEWNS" : "",
              (net || mnt) && pid ? "|" : "", pid ? "CLONE_NEWPID" : "");
  }
  if (net) loopback_up();
  if (tmp) private_tmp(keep, nkeep, tmp_size);
  else if (pid && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) hold_fail("make / private");
  // The namespace's first process is its init: without one, nothing can enter it.
  if (pid) start_pid_namespace();
  dprintf(1, "ready\n");
  close(1);
  // The namespaces live as long as this process (and whatever runs in them).
  char c;
  for (;;) {
    ssize_t r = read(0, &c, 1);
    if (r == 0 || (r < 0 && errno != EINTR)) return 0;
  }
}

// Opens the namespace NAME of pid, or returns -1 when this process is
// already in it. All are opened before any is joined: a joined mount
// namespace may have a /proc of its own, where pid is not to be found.
static int open_namespace(const char *pid, const char *name) {
  char target[64], own[64];
  snprintf(target, sizeof target, "/proc/%s/ns/%s", pid, name);
  snprintf(own, sizeof own, "/proc/self/ns/%s", name);
  struct stat a, b;
  if (stat(target, &a) < 0) {
    fprintf(stderr, "sockbook-ns: %s: %s (has the kernel's isolation ended?)\n", target, strerror(errno));
    _exit(127);
  }
  if (stat(own, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) return -1;
  int fd = open(target, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "sockbook-ns: cannot open %s: %s\n", target, strerror(errno));
    _exit(127);
  }
  return fd;
}

static void join(int fd, int type, const char *name) {
  if (fd < 0) return;
  if (setns(fd, type) < 0) {
    fprintf(stderr, "sockbook-ns: cannot join the %s namespace: %s\n", name, strerror(errno));
    _exit(127);
  }
  close(fd);
}

static pid_t relayed;
static void forward_signal(int sig) { kill(relayed, sig); }

// Entering a PID namespace takes a fork: only children are inside. This
// process stays, outside, as the one its caller knows: it passes on the
// signals the kernel sends (interrupt, terminate) and ends as the program
// does; the program dies with it (a SIGKILL for this process reaches both).
static void relay(char **program) {
  int alive[2];
  if (pipe2(alive, O_CLOEXEC) < 0) {
    perror("sockbook-ns: pipe");
    _exit(127);
  }
  relayed = fork();
  if (relayed < 0) {
    perror("sockbook-ns: fork into the PID namespace");
    _exit(127);
  }
  if (relayed == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (parent_already_gone(alive[0])) _exit(127);
    execvp(program[0], program);
    fprintf(stderr, "sockbook-ns: cannot run %s: %s\n", program[0], strerror(errno));
    _exit(127);
  }
  // Every fd stays with the program alone (pipes must end when it does), but alive[1].
  close_fds_from(0, alive[1]);
  static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP};
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) signal(forwarded[i], forward_signal);
  int status;
  while (waitpid(relayed, &status, 0) < 0) {
    if (errno != EINTR) _exit(127);
  }
  if (WIFSIGNALED(status)) {
    signal(WTERMSIG(status), SIG_DFL);
    raise(WTERMSIG(status));
  }
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

static int enter(int argc, char **argv) {
  int with_pid = argc > 3 && !strcmp(argv[3], "--pid");
  int dashes = with_pid ? 4 : 3;
  if (argc < dashes + 2 || strcmp(argv[dashes], "--") != 0 || argv[2][0] < '1' || argv[2][0] > '9') {
    fprintf(stderr, "usage: sockbook-ns enter PID [--pid] -- PROGRAM [ARG]...\n");
    return 2;
  }
  const char *pid = argv[2];
  char cwd[PATH_MAX];
  int have_cwd = getcwd(cwd, sizeof cwd) != NULL;
  int user = open_namespace(pid, "user"), net = open_namespace(pid, "net"), mnt = open_namespace(pid, "mnt");
  int pidns = with_pid ? open_namespace(pid, "pid_for_children") : -1;
  join(user, CLONE_NEWUSER, "user");
  join(net, CLONE_NEWNET, "network");
  join(mnt, CLONE_NEWNS, "mount");  // also moves the current directory to the namespace's /
  join(pidns, CLONE_NEWPID, "PID");
  // A directory hidden by the private /tmp: the program reports it (the
  // runner's helper changes into its --cwd itself and says why it cannot).
  if (!have_cwd || chdir(cwd) < 0) {
    if (chdir("/") < 0) return 127;
  }
  if (with_pid) relay(argv + dashes + 1);
  execvp(argv[dashes + 1], argv + dashes + 1);
  fprintf(stderr, "sockbook-ns: cannot run %s: %s\n", argv[dashes + 1], strerror(errno));
  return 127;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "hold")) {
    close_fds_from(3, -1);  // the holder lives as long as the kernel: it keeps none of the kernel's fds
    return hold(argc, argv);
  }
  if (argc >= 2 && !strcmp(argv[1], "enter")) return enter(argc, argv);
  fprintf(stderr,
          "usage: sockbook-ns hold [--net] [--tmp] [--tmp-size BYTES] [--pid] [--keep DIR]...\n"
          "       sockbook-ns enter PID [--pid] -- PROGRAM [ARG]...\n");
  return 2;
}
