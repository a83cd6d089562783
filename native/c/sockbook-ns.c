// sockbook-ns: private network and /tmp for one kernel.
//
//   sockbook-ns hold [--net] [--tmp] [--keep DIR]...
//     Creates the namespaces and keeps them alive. --net: a new network
//     namespace with loopback up. --tmp: a new mount namespace with a fresh
//     tmpfs on /tmp and on /dev/shm; each --keep DIR under /tmp (absolute, no
//     symlinks) is bound back in, so the notebook's directory stays shared
//     with the kernel. Not root: a user namespace mapping the caller's own
//     ids comes first. Prints "ready" (or "error: WHY") on stdout, then waits
//     until stdin reaches end of file or its parent dies.
//
//   sockbook-ns enter PID -- PROGRAM [ARG]...
//     Joins the namespaces of process PID (the holder), returns to the
//     current directory, and executes PROGRAM. No fd is closed, so pipes the
//     caller handed over (Node's IPC channel, the runner's fds 3 and 4) stay.
//     Joining a mount namespace needs a single-threaded process: Node cannot
//     do it itself, this small program does it before becoming Node.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
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
#include <unistd.h>

#define MAX_KEEP 16

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

static void private_tmp(const char **keep, int nkeep) {
  // Open what must stay visible before the tmpfs hides it.
  int keep_fd[MAX_KEEP];
  for (int i = 0; i < nkeep; i++) {
    keep_fd[i] = open(keep[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (keep_fd[i] < 0) hold_fail("open %s", keep[i]);
  }
  // Nothing mounted here may show outside (nor the other way).
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) hold_fail("make / private");
  if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0) hold_fail("mount tmpfs on /tmp");
  struct stat st;
  if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
      mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0) {
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

static int hold(int argc, char **argv) {
  int net = 0, tmp = 0, nkeep = 0;
  const char *keep[MAX_KEEP];
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--net")) net = 1;
    else if (!strcmp(argv[i], "--tmp")) tmp = 1;
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
  if (!net && !tmp) {
    fprintf(stderr, "sockbook-ns hold: nothing to isolate (--net, --tmp)\n");
    return 2;
  }
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) return 1;  // the kernel died before we could watch it
  if (chdir("/") < 0) hold_fail("chdir /");  // pin nothing of the kernel's directory
  if (geteuid() != 0) enter_user_namespace();
  if (unshare((net ? CLONE_NEWNET : 0) | (tmp ? CLONE_NEWNS : 0)) < 0) {
    hold_fail("unshare(%s%s%s)", net ? "CLONE_NEWNET" : "", net && tmp ? "|" : "", tmp ? "CLONE_NEWNS" : "");
  }
  if (net) loopback_up();
  if (tmp) private_tmp(keep, nkeep);
  dprintf(1, "ready\n");
  close(1);
  // The namespaces live as long as this process (and whatever runs in them).
  char c;
  for (;;) {
    ssize_t r = read(0, &c, 1);
    if (r == 0 || (r < 0 && errno != EINTR)) return 0;
  }
}

// Joins the namespace NAME of pid unless this process is already in it.
static void join(const char *pid, const char *name, int type) {
  char target[64], own[64];
  snprintf(target, sizeof target, "/proc/%s/ns/%s", pid, name);
  snprintf(own, sizeof own, "/proc/self/ns/%s", name);
  struct stat a, b;
  if (stat(target, &a) < 0) {
    fprintf(stderr, "sockbook-ns: %s: %s (has the kernel's isolation ended?)\n", target, strerror(errno));
    _exit(127);
  }
  if (stat(own, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) return;
  int fd = open(target, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns(fd, type) < 0) {
    fprintf(stderr, "sockbook-ns: cannot join %s: %s\n", target, strerror(errno));
    _exit(127);
  }
  close(fd);
}

static int enter(int argc, char **argv) {
  if (argc < 5 || strcmp(argv[3], "--") != 0 || argv[2][0] < '1' || argv[2][0] > '9') {
    fprintf(stderr, "usage: sockbook-ns enter PID -- PROGRAM [ARG]...\n");
    return 2;
  }
  const char *pid = argv[2];
  char cwd[PATH_MAX];
  int have_cwd = getcwd(cwd, sizeof cwd) != NULL;
  join(pid, "user", CLONE_NEWUSER);
  join(pid, "net", CLONE_NEWNET);
  join(pid, "mnt", CLONE_NEWNS);  // also moves the current directory to the namespace's /
  // A directory hidden by the private /tmp: the program reports it (the
  // runner's helper changes into its --cwd itself and says why it cannot).
  if (!have_cwd || chdir(cwd) < 0) {
    if (chdir("/") < 0) return 127;
  }
  execvp(argv[4], argv + 4);
  fprintf(stderr, "sockbook-ns: cannot run %s: %s\n", argv[4], strerror(errno));
  return 127;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "hold")) return hold(argc, argv);
  if (argc >= 2 && !strcmp(argv[1], "enter")) return enter(argc, argv);
  fprintf(stderr,
          "usage: sockbook-ns hold [--net] [--tmp] [--keep DIR]...\n"
          "       sockbook-ns enter PID -- PROGRAM [ARG]...\n");
  return 2;
}
