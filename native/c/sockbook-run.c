// sockbook-run: runs one shell command for the sockbook kernel.
//
//   sockbook-run --kill-after MS [--pipes] [--stdin] [--cwd DIR] [--limit BYTES]
//                [--tmpdir DIR] [--cols N] [--rows N] [--cgroup DIR --max-procs N] [--nproc N]
//                [--memory-cgroup DIR] [--max-memory BYTES] [--keep-limit BYTES]
//                -- COMMAND
//   sockbook-run --spare [--cgroup DIR --max-procs N]
//
// --spare: started ahead of its command, so the setup that costs (joining the
// cgroup: tens of milliseconds on a busy machine) is paid before the command
// is known. It then waits on fd 3 for 'c' LEN(4, LE) and LEN bytes: the
// number of arguments, the arguments (as above, COMMAND last) and the
// environment entries of the command, each ending in a NUL byte. End of
// file instead: it exits.
//
// The kernel starts it in a session of its own (spawn detached). It becomes a
// child subreaper, so everything the command starts (daemons included) stays
// its descendant and is reaped here: no zombie outlives it.
//
// Default mode: COMMAND runs under a new pseudo-terminal (bash -c). Output is
// relayed with "\r\n" folded to "\n"; after --limit bytes it is no longer
// relayed, and all of it (from the first byte) is kept in a file instead, in
// --tmpdir (made, mode 0700, when missing), up to --keep-limit bytes (64 MiB).
// --cgroup: joins DIR/run-<own pid> (made, pids.max = --max-procs);
// --memory-cgroup: joins DIR (a v1 memory group holding the kernel's limit);
// --max-memory: RLIMIT_AS for the command, where no memory cgroup can limit it.
// --pipes: COMMAND gets this process' own fds 0, 1 and 2 (pipes of the kernel).
// --kill-after: how long after an interrupt what is left of the command is
// killed; required, so the kernel's one setting is the only one.
//
// fd 3 (read)  control bytes from the kernel:
//   'i'                     interrupt: SIGINT to the foreground group, SIGKILL
//                           --kill-after ms later to what is left of the command's session
//   'k'                     kill every descendant now, then exit
//   's' SIGNO               send signal SIGNO (one byte) to the main process
//   'w' LEN(4, LE) BYTES    type BYTES into the terminal (any length: the
//                           payload is streamed, never read as control bytes;
//                           in canonical mode a line is cut at 4095 bytes, as
//                           the terminal's line discipline would)
//   end of file             the kernel is gone: like 'k'
// fd 4 (write) frames to the kernel: TYPE(1) LEN(4, LE) PAYLOAD
//   'P' "<pid>"             the command's main process started
//   'O' bytes               terminal output
//   'I' ""                  the command is blocked reading its terminal
//   'X' "exit N"|"signal N" how the main process ended
//   'T' "<bytes> <dropped> <path>"  output was cut: total size, bytes past the
//                           kept file's cap (not kept), and the file keeping the rest
//   'C' "<bytes> <kept>"    a typed line of <bytes> bytes was cut to <kept>
//   'E' text                the command could not be started
//   'D' ""                  the command is over (descendants may live on)
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "own-fds.h"

#define CONTROL_FD 3
#define FRAME_FD 4
// After the main process exits, output still arriving within this window is
// part of the command; then the command is over.
#define GRACE_MS 50
// A program silent this long may be waiting for its terminal.
#define INPUT_IDLE_MS 80

// ---- options -------------------------------------------------------------
static int opt_pipes, opt_stdin, opt_spare, opt_cols = 120, opt_rows = 40;
static long long opt_limit = 1 << 20;
static long long opt_keep_limit = 64LL << 20, opt_max_memory, opt_kill_after_ms = -1;
static long opt_max_procs = 0, opt_nproc = 0;
static const char *opt_cwd, *opt_tmpdir, *opt_cgroup, *opt_memory_cgroup, *opt_command;

// ---- state ---------------------------------------------------------------
static pid_t main_pid = -1;
static int main_alive;
static int main_status;
static pid_t command_sid;  // session whose members an interrupt may kill
static int master_fd = -1;
static char slave_name[128];
static int done_sent;
static int waiting_input;
static long long last_activity_ms, main_exit_ms, interrupt_deadline_ms, next_input_check_ms;

// ---- time ----------------------------------------------------------------
static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// ---- buffers ---------------------------------------------------------------
// Makes room for `need` bytes in a buffer that doubles as it grows (64 KiB first).
static void reserve(char **buf, size_t *cap, size_t need) {
  if (need <= *cap) return;
  size_t size = *cap ? *cap : 65536;
  while (size < need) size *= 2;
  char *grown = realloc(*buf, size);
  if (!grown) { perror("sockbook-run: out of memory"); _exit(70); }
  *buf = grown;
  *cap = size;
}

// ---- frames to the kernel: a queue so a slow reader never blocks us ------
static char *outq;
static size_t outq_len, outq_cap, outq_off;
static int frame_fd_broken;

static void outq_append(const void *data, size_t n) {
  reserve(&outq, &outq_cap, outq_len + n);
  memcpy(outq + outq_len, data, n);
  outq_len += n;
}

static void send_frame(char type, const void *payload, size_t n) {
  unsigned char header[5] = {(unsigned char)type, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >> 24) & 0xff};
  outq_append(header, sizeof header);
  if (n) outq_append(payload, n);
}

static void send_text_frame(char type, const char *fmt, ...) {
  char text[PATH_MAX + 128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if ((size_t)n >= sizeof text) n = sizeof text - 1;
  send_frame(type, text, (size_t)n);
}

static void flush_frames(void) {
  while (outq_off < outq_len && !frame_fd_broken) {
    ssize_t w = write(FRAME_FD, outq + outq_off, outq_len - outq_off);
    if (w > 0) { outq_off += (size_t)w; continue; }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) return;
    frame_fd_broken = 1;
  }
  if (outq_off == outq_len) outq_off = outq_len = 0;
}

static void flush_frames_blocking(void) {
  int flags = fcntl(FRAME_FD, F_GETFL);
  if (flags >= 0) fcntl(FRAME_FD, F_SETFL, flags & ~O_NONBLOCK);
  flush_frames();
}

// ---- output accounting: relay up to the limit, keep everything on overflow
static char *head;  // everything relayed so far (at most opt_limit bytes)
static size_t head_len, head_cap;
static long long total_bytes;
static int keep_fd = -1;
static char keep_path[PATH_MAX];
static long long kept_bytes, dropped_bytes;  // in the kept file; past its cap
static size_t held_cr;  // '\r's that may end in '\n'

static void write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // a full disk loses the kept copy, never the command
    p += w;
    n -= (size_t)w;
  }
}

static void open_keep_file(void) {
  const char *dir = opt_tmpdir ? opt_tmpdir : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  snprintf(keep_path, sizeof keep_path, "%s/sockbook-output-XXXXXX.log", dir);
  keep_fd = mkostemps(keep_path, 4, O_CLOEXEC);
  if (keep_fd < 0 && errno == ENOENT && mkdir(dir, 0700) == 0) {
    snprintf(keep_path, sizeof keep_path, "%s/sockbook-output-XXXXXX.log", dir);
    keep_fd = mkostemps(keep_path, 4, O_CLOEXEC);
  }
  if (keep_fd < 0) {
    keep_path[0] = 0;
    return;
  }
  write_all(keep_fd, head, head_len);
  kept_bytes = (long long)head_len;
  free(head);
  head = NULL;
  head_len = head_cap = 0;
}

static void emit_text(const char *p, size_t n) {
  if (!n) return;
  long long room = opt_limit - total_bytes;
  total_bytes += (long long)n;
  if (room > 0) {
    size_t take = (long long)n < room ? n : (size_t)room;
    reserve(&head, &head_cap, head_len + take);
    memcpy(head + head_len, p, take);
    head_len += take;
    send_frame('O', p, take);
    p += take;
    n -= take;
    if (!n) return;
  }
  if (keep_fd < 0 && !keep_path[0]) open_keep_file();
  if (keep_fd < 0) return;
  // A flood must not fill the disk: past the cap the rest is counted, not kept.
  long long keep_room = opt_keep_limit - kept_bytes;
  size_t keep = keep_room <= 0 ? 0 : (long long)n < keep_room ? n : (size_t)keep_room;
  write_all(keep_fd, p, keep);
  kept_bytes += (long long)keep;
  dropped_bytes += (long long)(n - keep);
}

// Folds "\r\n" (and "\r\r\n", what the terminal makes of a program's own
// "\r\n") into "\n", as notebook frontends do; a lone '\r' (progress bars) stays.
static void emit_held_cr(void) {
  static const char crs[64] = "\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r"
                              "\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r";
  while (held_cr) {
    size_t k = held_cr < sizeof crs ? held_cr : sizeof crs;
    emit_text(crs, k);
    held_cr -= k;
  }
}

static void on_terminal_bytes(const char *p, size_t n) {
  char out[65536];
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    if (c == '\r') { held_cr++; continue; }
    if (held_cr && c != '\n') {
      emit_text(out, m);
      m = 0;
      emit_held_cr();
    }
    held_cr = 0;
    out[m++] = c;
  }
  emit_text(out, m);
}

static void flush_held_cr(void) { emit_held_cr(); }

// ---- the process tree, from /proc ----------------------------------------
struct proc_info {
  pid_t pid, ppid, pgrp, sid;
  char state;
};

// Reads every process' stat line. Returns the count; *out must be freed.
static size_t read_processes(struct proc_info **out) {
  size_t n = 0, cap = 256;
  struct proc_info *list = malloc(cap * sizeof *list);
  DIR *d = opendir("/proc");
  if (!d || !list) {
    if (d) closedir(d);
    free(list);
    *out = NULL;
    return 0;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    char path[300], buf[1024];
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t r = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (r <= 0) continue;
    buf[r] = 0;
    char *close_paren = strrchr(buf, ')');  // the name may hold spaces and ')'
    if (!close_paren) continue;
    struct proc_info pi;
    pi.pid = (pid_t)atoi(buf);
    int ppid, pgrp, sid;
    if (sscanf(close_paren + 2, "%c %d %d %d", &pi.state, &ppid, &pgrp, &sid) != 4) continue;
    pi.ppid = ppid;
    pi.pgrp = pgrp;
    pi.sid = sid;
    if (n == cap) {
      cap *= 2;
      struct proc_info *grown = realloc(list, cap * sizeof *list);
      if (!grown) break;
      list = grown;
    }
    list[n++] = pi;
  }
  closedir(d);
  *out = list;
  return n;
}

// Keeps in list only the descendants of root (by parent links); returns count.
static size_t keep_descendants(struct proc_info *list, size_t n, pid_t root) {
  char *mark = calloc(n, 1);
  if (!mark) return 0;
  int changed = 1;
  while (changed) {
    changed = 0;
    for (size_t i = 0; i < n; i++) {
      if (mark[i]) continue;
      if (list[i].ppid == root) { mark[i] = 1; changed = 1; continue; }
      for (size_t j = 0; j < n; j++) {
        if (mark[j] && list[j].pid == list[i].ppid) { mark[i] = 1; changed = 1; break; }
      }
    }
  }
  size_t m = 0;
  for (size_t i = 0; i < n; i++) if (mark[i]) list[m++] = list[i];
  free(mark);
  return m;
}

static void reap(int options);
static void reap_children(void);

// SIGKILLs descendants (only those of command_sid unless everything), round
// after round, so that processes forked meanwhile are caught too.
static void kill_descendants(int everything) {
  for (int round = 0; round < 500; round++) {
    struct proc_info *list;
    size_t n = read_processes(&list);
    n = keep_descendants(list, n, getpid());
    size_t hit = 0;
    for (size_t i = 0; i < n; i++) {
      if (list[i].state == 'Z') continue;
      if (!everything && list[i].sid != command_sid) continue;
      kill(list[i].pid, SIGKILL);
      hit++;
    }
    free(list);
    reap_children();
    if (!hit) return;
    struct timespec pause = {0, 5 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
}

// Is any process of the command's own session (not a daemon) still alive?
static int session_alive(void) {
  struct proc_info *list;
  size_t n = read_processes(&list);
  n = keep_descendants(list, n, getpid());
  int alive = 0;
  for (size_t i = 0; i < n && !alive; i++) alive = list[i].state != 'Z' && list[i].sid == command_sid;
  free(list);
  return alive;
}

// Reads a small /proc file into buf (NUL-terminated); its length, or 0 when it cannot be read.
static ssize_t read_proc_file(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t r = read(fd, buf, size - 1);
  close(fd);
  if (r <= 0) return 0;
  buf[r] = 0;
  return r;
}

// ---- is the foreground program waiting for its terminal? ----------------
static int reads_terminal(pid_t pid) {
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
  if (read_proc_file(path, buf, sizeof buf) == 0) return 0;
  long nr;
  unsigned long long arg0;
  if (sscanf(buf, "%ld 0x%llx", &nr, &arg0) != 2) return 0;
  if (nr != SYS_read && nr != SYS_readv && nr != SYS_pread64) return 0;
  char link[PATH_MAX];
  snprintf(path, sizeof path, "/proc/%d/fd/%llu", (int)pid, arg0);
  ssize_t l = readlink(path, link, sizeof link - 1);
  if (l <= 0) return 0;
  link[l] = 0;
  return strcmp(link, slave_name) == 0 || strcmp(link, "/dev/tty") == 0;
}

// Reads the stat line of one process; 0 when it is gone.
static int read_process(pid_t pid, struct proc_info *pi) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  if (read_proc_file(path, buf, sizeof buf) == 0) return 0;
  char *close_paren = strrchr(buf, ')');
  int ppid, pgrp, sid;
  if (!close_paren || sscanf(close_paren + 2, "%c %d %d %d", &pi->state, &ppid, &pgrp, &sid) != 4) return 0;
  pi->pid = pid;
  pi->ppid = ppid;
  pi->pgrp = pgrp;
  pi->sid = sid;
  return 1;
}

// The descendants of this process, found through /proc/PID/task/TID/children
// (only our own tree is read, not every process of the machine). Returns -1
// when the kernel has no children files; *out must be freed.
static ssize_t read_descendants(struct proc_info **out) {
  size_t n = 0, cap = 64;
  pid_t *pids = malloc(cap * sizeof *pids);
  if (!pids) return -1;
  pids[n++] = getpid();
  for (size_t at = 0; at < n; at++) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pids[at]);
    DIR *d = opendir(path);
    if (!d) continue;
    struct dirent *e;
    while ((e = readdir(d))) {
      if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
      char file[300], buf[4096];
      snprintf(file, sizeof file, "/proc/%d/task/%s/children", (int)pids[at], e->d_name);
      int fd = open(file, O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        if (errno == ENOENT && at == 0) { closedir(d); free(pids); return -1; }
        continue;
      }
      ssize_t r = read(fd, buf, sizeof buf - 1);
      close(fd);
      if (r <= 0) continue;
      buf[r] = 0;
      for (char *p = buf, *end; *p; p = end) {
        long child = strtol(p, &end, 10);
        if (end == p) break;
        if (n == cap) {
          pid_t *grown = realloc(pids, (cap *= 2) * sizeof *pids);
          if (!grown) break;
          pids = grown;
        }
        if (n < cap) pids[n++] = (pid_t)child;
      }
    }
    closedir(d);
  }
  struct proc_info *list = malloc(n * sizeof *list);
  size_t m = 0;
  for (size_t i = 1; list && i < n; i++) if (read_process(pids[i], &list[m])) m++;
  free(pids);
  *out = list;
  return list ? (ssize_t)m : -1;
}

static int foreground_wants_input(void) {
  pid_t fg = tcgetpgrp(master_fd);
  if (fg <= 0) return 0;
  struct proc_info *list;
  // The foreground group is the command's (our descendants); without children files, every process is read.
  ssize_t found = read_descendants(&list);
  size_t n = found >= 0 ? (size_t)found : read_processes(&list);
  int wants = 0;
  for (size_t i = 0; i < n && !wants; i++) {
    if (list[i].pgrp == fg && list[i].state == 'S' && reads_terminal(list[i].pid)) wants = 1;
  }
  free(list);
  return wants;
}

// ---- children ------------------------------------------------------------
static void reap(int options) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, options);
    if (pid < 0 && errno == EINTR) continue;
    if (pid <= 0) return;
    if (pid == main_pid && main_alive) {
      main_alive = 0;
      main_status = status;
      main_exit_ms = now_ms();
      if (WIFSIGNALED(status)) send_text_frame('X', "signal %d", WTERMSIG(status));
      else send_text_frame('X', "exit %d", WEXITSTATUS(status));
    }
  }
}

static void reap_children(void) { reap(WNOHANG); }

static int has_children(void) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

static void finish_command(void) {
  if (done_sent) return;
  flush_held_cr();
  if (total_bytes > opt_limit) send_text_frame('T', "%lld %lld %s", total_bytes, dropped_bytes, keep_path);
  if (keep_fd >= 0) close(keep_fd);
  keep_fd = -1;
  send_frame('D', NULL, 0);
  done_sent = 1;
}

static void kill_everything_and_exit(void) {
  kill_descendants(1);
  reap(0);  // every descendant is dying: wait for all of them
  if (master_fd >= 0) {
    char buf[65536];
    ssize_t r;
    while (!done_sent && (r = read(master_fd, buf, sizeof buf)) > 0) on_terminal_bytes(buf, (size_t)r);
  }
  finish_command();
  flush_frames_blocking();
  _exit(0);
}

// ---- setup ---------------------------------------------------------------
static void fail(const char *what) {
  send_text_frame('E', "%s: %s", what, strerror(errno));
  send_frame('D', NULL, 0);
  flush_frames_blocking();
  _exit(1);
}

static void join_cgroup(void) {
  char dir[PATH_MAX], file[PATH_MAX + 32], text[32];
  snprintf(dir, sizeof dir, "%s/run-%d", opt_cgroup, (int)getpid());
  if (mkdir(dir, 0755) < 0 && errno != EEXIST) return;
  int n = snprintf(text, sizeof text, "%ld\n", opt_max_procs);
  snprintf(file, sizeof file, "%s/pids.max", dir);
  int fd = open(file, O_WRONLY | O_CLOEXEC);
  if (fd >= 0) { write_all(fd, text, (size_t)n); close(fd); }
  snprintf(file, sizeof file, "%s/cgroup.procs", dir);
  fd = open(file, O_WRONLY | O_CLOEXEC);
  if (fd >= 0) { write_all(fd, "0\n", 2); close(fd); }
}

// The kernel's memory limit: its memory cgroup, else RLIMIT_AS (inherited by
// the command). Under the cgroup the command is the OOM killer's first choice,
// before the TypeScript executor, which holds the notebook's state.
static void apply_memory_limit(void) {
  if (opt_memory_cgroup) {
    char file[PATH_MAX + 32];
    snprintf(file, sizeof file, "%s/cgroup.procs", opt_memory_cgroup);
    int fd = open(file, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) { write_all(fd, "0\n", 2); close(fd); }
  }
  if (opt_memory_cgroup || (opt_cgroup && !opt_max_memory)) {
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) { write_all(fd, "300\n", 4); close(fd); }
  }
  if (opt_max_memory > 0) {
    struct rlimit rl = {(rlim_t)opt_max_memory, (rlim_t)opt_max_memory};
    setrlimit(RLIMIT_AS, &rl);
  }
}

// What the command's process gets: default signal state, only fds 0-2.
static void exec_command(int own_session, int slave_fd) {
  if (own_session) setpgid(0, 0);
  if (slave_fd >= 0) {
    if (!own_session) {
      setsid();
      ioctl(slave_fd, TIOCSCTTY, 0);
    } else {
      tcsetpgrp(slave_fd, getpid());  // SIGTTOU is still ignored here
    }
    // As at a real terminal: 0, 1 and 2 are one open file description of the
    // terminal, opened read-write. Without --stdin a program that reads it
    // gets end-of-file from the main loop (see foreground_wants_input).
    dup2(slave_fd, 0);
    dup2(slave_fd, 1);
    dup2(slave_fd, 2);
  }
  close_fds_from(3, -1);
  for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
  sigset_t empty;
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, NULL);
  if (opt_nproc > 0) {
    struct rlimit rl = {(rlim_t)opt_nproc, (rlim_t)opt_nproc};
    setrlimit(RLIMIT_NPROC, &rl);
  }
  if (opt_cwd && chdir(opt_cwd) < 0) {
    fprintf(stderr, "cd: %s: %s\n", opt_cwd, strerror(errno));
    _exit(1);
  }
  execl("/bin/bash", "bash", "-c", opt_command, (char *)NULL);
  fprintf(stderr, "/bin/bash: %s\n", strerror(errno));
  _exit(127);
}

static int open_terminal(int own_session, int *slave_out) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail("cannot open a pseudo-terminal");
  if (grantpt(master) < 0 || unlockpt(master) < 0) fail("cannot unlock the pseudo-terminal");
  if (ptsname_r(master, slave_name, sizeof slave_name) != 0) fail("cannot name the pseudo-terminal");
  int slave = open(slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) fail("cannot open the terminal");
  if (own_session && ioctl(slave, TIOCSCTTY, 0) < 0) fail("cannot take the terminal");
  struct termios t;
  if (tcgetattr(slave, &t) == 0) {
    // The frontend shows what the user typed: no echo. Everything else stays
    // a normal terminal (ONLCR, ICANON, ISIG for ^C).
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
    tcsetattr(slave, TCSANOW, &t);
  }
  struct winsize ws = {(unsigned short)opt_rows, (unsigned short)opt_cols, 0, 0};
  ioctl(master, TIOCSWINSZ, &ws);
  *slave_out = slave;
  return master;
}

static void parse_args(int argc, char **argv) {
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--")) { i++; break; }
    if (!strcmp(a, "--pipes")) opt_pipes = 1;
    else if (!strcmp(a, "--spare")) opt_spare = 1;
    else if (!strcmp(a, "--stdin")) opt_stdin = 1;
    else if (v && !strcmp(a, "--cwd")) { opt_cwd = v; i++; }
    else if (v && !strcmp(a, "--tmpdir")) { opt_tmpdir = v; i++; }
    else if (v && !strcmp(a, "--cgroup")) { opt_cgroup = v; i++; }
    else if (v && !strcmp(a, "--limit")) { opt_limit = atoll(v); i++; }
    else if (v && !strcmp(a, "--cols")) { opt_cols = atoi(v); i++; }
    else if (v && !strcmp(a, "--rows")) { opt_rows = atoi(v); i++; }
    else if (v && !strcmp(a, "--max-procs")) { opt_max_procs = atol(v); i++; }
    else if (v && !strcmp(a, "--nproc")) { opt_nproc = atol(v); i++; }
    else if (v && !strcmp(a, "--memory-cgroup")) { opt_memory_cgroup = v; i++; }
    else if (v && !strcmp(a, "--max-memory")) { opt_max_memory = atoll(v); i++; }
    else if (v && !strcmp(a, "--keep-limit")) { opt_keep_limit = atoll(v); i++; }
    else if (v && !strcmp(a, "--kill-after")) { opt_kill_after_ms = atoll(v); i++; }
    else { fprintf(stderr, "sockbook-run: unknown option %s\n", a); exit(2); }
  }
  if (opt_spare && i == argc) return;  // the command comes later, on fd 3
  if (i != argc - 1) {
    fprintf(stderr, "usage: sockbook-run [options] -- COMMAND\n");
    exit(2);
  }
  opt_command = argv[i];
  if (opt_limit < 0) opt_limit = 0;
  if (opt_kill_after_ms < 0) {
    fprintf(stderr, "sockbook-run: --kill-after MS is required\n");
    exit(2);
  }
}

// ---- input typed into the terminal --------------------------------------
// What the kernel types is queued and written as the terminal takes it
// (the master is non-blocking), so a long answer never blocks the loop.
// In canonical mode the line discipline holds at most 4095 bytes of a line
// plus its newline; a longer line would fill the terminal's buffers and never
// end, so it is cut there, as a terminal delivers it, and the kernel is told.
#define CANON_LINE_MAX 4095
static char *inq;
static size_t inq_len, inq_cap, inq_off;
static int typing_canonical, typing_crnl;
static long long line_bytes;  // bytes of the line being typed, dropped ones included
static int line_cut;

static int input_pending(void) { return inq_off < inq_len; }

static void start_typing(void) {
  struct termios t;
  int have = master_fd >= 0 && tcgetattr(master_fd, &t) == 0;
  typing_canonical = have && (t.c_lflag & ICANON);
  typing_crnl = have && (t.c_iflag & ICRNL);
  waiting_input = 0;
  last_activity_ms = now_ms();
}

static void type_bytes(const unsigned char *p, size_t n) {
  if (master_fd < 0 || n == 0) return;
  reserve(&inq, &inq_cap, inq_len + n);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    int line_end = c == '\n' || (typing_crnl && c == '\r');
    if (line_end) {
      if (line_cut) send_text_frame('C', "%lld %d", line_bytes, CANON_LINE_MAX);
      line_bytes = 0;
      line_cut = 0;
    } else if (typing_canonical && line_bytes >= CANON_LINE_MAX) {
      line_bytes++;
      line_cut = 1;
      continue;
    } else {
      line_bytes++;
    }
    inq[inq_len++] = (char)c;
  }
}

static void flush_input(void) {
  while (input_pending()) {
    ssize_t w = write(master_fd, inq + inq_off, inq_len - inq_off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;  // the terminal is full: the rest when it takes more
    inq_off += (size_t)w;
    last_activity_ms = now_ms();
  }
  if (!input_pending()) inq_off = inq_len = 0;
}

// Reads from fd 3, waiting when it is non-blocking; end of file or an error: the kernel is gone.
static ssize_t read_control_waiting(void *buf, size_t n) {
  for (;;) {
    ssize_t r = read(CONTROL_FD, buf, n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EAGAIN) {
      struct pollfd fd = {.fd = CONTROL_FD, .events = POLLIN};
      poll(&fd, 1, -1);
      continue;
    }
    return r;
  }
}

// --spare: reads the command's arguments and environment from fd 3.
static void await_command(void) {
  unsigned char header[5];
  size_t got = 0;
  while (got < sizeof header) {
    ssize_t r = read_control_waiting(header + got, sizeof header - got);
    if (r <= 0) _exit(0);  // no command came: the kernel is gone or no longer needs this helper
    got += (size_t)r;
  }
  size_t len = header[1] | header[2] << 8 | header[3] << 16 | (size_t)header[4] << 24;
  char *message = header[0] == 'c' ? malloc(len + 1) : NULL;
  if (!message) {
    errno = EPROTO;
    fail("sockbook-run: no command for the spare helper");
  }
  for (got = 0; got < len;) {
    ssize_t r = read_control_waiting(message + got, len - got);
    if (r <= 0) _exit(0);
    got += (size_t)r;
  }
  message[len] = 0;
  char *end = message + len, *p = message;
  int count = atoi(p);
  char **args = calloc((size_t)count + 2, sizeof *args);
  if (!args || count < 1) {
    errno = EPROTO;
    fail("sockbook-run: a malformed command for the spare helper");
  }
  args[0] = "sockbook-run";
  p += strlen(p) + 1;
  for (int i = 1; i <= count; i++) {
    if (p >= end) {
      errno = EPROTO;
      fail("sockbook-run: a malformed command for the spare helper");
    }
    args[i] = p;
    p += strlen(p) + 1;
  }
  clearenv();
  for (; p < end; p += strlen(p) + 1) putenv(p);  // the message lives as long as the process
  opt_spare = 0;
  parse_args(count + 1, args);
}

// ---- control messages ----------------------------------------------------
// Parsed as the bytes come: a message header may arrive split across reads,
// and a 'w' payload of any length goes straight to the input queue.
static unsigned char ctl_head[5];
static size_t ctl_head_len;
static unsigned long typing_left;  // payload bytes of the current 'w' still to come

static void interrupt_command(void) {
  pid_t fg = master_fd >= 0 ? tcgetpgrp(master_fd) : -1;
  if (fg > 0) kill(-fg, SIGINT);
  if (main_alive) kill(-main_pid, SIGINT);
  interrupt_deadline_ms = now_ms() + opt_kill_after_ms;
}

static void handle_control(void) {
  unsigned char buf[65536];
  ssize_t r = read(CONTROL_FD, buf, sizeof buf);
  if (r == 0) kill_everything_and_exit();
  if (r < 0) {
    if (errno == EINTR || errno == EAGAIN) return;
    kill_everything_and_exit();
  }
  size_t off = 0, n = (size_t)r;
  while (off < n) {
    if (typing_left > 0) {
      size_t take = n - off < typing_left ? n - off : (size_t)typing_left;
      type_bytes(buf + off, take);
      typing_left -= take;
      off += take;
      continue;
    }
    if (ctl_head_len == 0) {
      unsigned char op = buf[off++];
      if (op == 'i') interrupt_command();
      else if (op == 'k') kill_everything_and_exit();
      else if (op == 's' || op == 'w') ctl_head[ctl_head_len++] = op;
      // unknown bytes are skipped
      continue;
    }
    ctl_head[ctl_head_len++] = buf[off++];
    if (ctl_head[0] == 's' && ctl_head_len == 2) {
      if (main_alive) kill(main_pid, ctl_head[1]);
      ctl_head_len = 0;
    } else if (ctl_head[0] == 'w' && ctl_head_len == 5) {
      typing_left = (unsigned long)ctl_head[1] | (unsigned long)ctl_head[2] << 8 | (unsigned long)ctl_head[3] << 16 |
                    (unsigned long)ctl_head[4] << 24;
      ctl_head_len = 0;
      start_typing();
    }
  }
  flush_input();
}

int main(int argc, char **argv) {
  // A command runs at normal priority even when started from the (lower-priority) executor;
  // lowering the nice value needs privilege, so elsewhere it keeps the executor's.
  setpriority(PRIO_PROCESS, 0, 0);
  close_fds_from(5, -1);  // fds 0-4 are the protocol's
  parse_args(argc, argv);
  if (fcntl(CONTROL_FD, F_GETFD) < 0 || fcntl(FRAME_FD, F_GETFD) < 0) {
    fprintf(stderr, "sockbook-run: fds 3 (control) and 4 (frames) must be open\n");
    return 2;
  }
  fcntl(FRAME_FD, F_SETFL, fcntl(FRAME_FD, F_GETFL) | O_NONBLOCK);
  fcntl(CONTROL_FD, F_SETFD, FD_CLOEXEC);
  fcntl(FRAME_FD, F_SETFD, FD_CLOEXEC);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);
  signal(SIGTTIN, SIG_IGN);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) fail("cannot become a subreaper");
  if (opt_cgroup && opt_max_procs > 0) join_cgroup();
  // A spare joins the memory group before its command comes too: on v1 that write can take 10-20 ms.
  apply_memory_limit();
  if (opt_spare) await_command();

  sigset_t handled;
  sigemptyset(&handled);
  sigaddset(&handled, SIGCHLD);
  sigaddset(&handled, SIGTERM);
  sigaddset(&handled, SIGHUP);
  sigaddset(&handled, SIGINT);
  sigprocmask(SIG_BLOCK, &handled, NULL);
  int sig_fd = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sig_fd < 0) fail("signalfd");

  int own_session = getsid(0) == getpid() || setsid() >= 0;
  int slave_fd = -1;
  if (!opt_pipes) master_fd = open_terminal(own_session, &slave_fd);

  main_pid = fork();
  if (main_pid < 0) fail("cannot start the command: fork");
  if (main_pid == 0) exec_command(own_session, slave_fd);
  main_alive = 1;
  command_sid = own_session ? getpid() : main_pid;
  if (own_session) setpgid(main_pid, main_pid);
  if (slave_fd >= 0) close(slave_fd);
  if (opt_pipes) {
    // Only the command holds the kernel's pipes now, so they end with it.
    int null_fd = open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2; fd++) dup2(null_fd, fd);
    if (null_fd > 2) close(null_fd);
  } else {
    fcntl(master_fd, F_SETFL, fcntl(master_fd, F_GETFL) | O_NONBLOCK);
  }
  send_text_frame('P', "%d", (int)main_pid);
  last_activity_ms = now_ms();

  int master_open = master_fd >= 0;
  char buf[65536];
  for (;;) {
    long long now = now_ms();
    if (!main_alive && !done_sent) {
      long long quiet_since = last_activity_ms > main_exit_ms ? last_activity_ms : main_exit_ms;
      // An interrupted command is over only when nothing of it is left
      // (what ignores SIGINT gets SIGKILL at the deadline).
      int leftovers = interrupt_deadline_ms && session_alive();
      if (!leftovers && (!master_open || now - quiet_since >= GRACE_MS)) finish_command();
    }
    if (interrupt_deadline_ms && now >= interrupt_deadline_ms) {
      interrupt_deadline_ms = 0;
      kill_descendants(0);
    }
    if (master_open && main_alive && !waiting_input && !input_pending() && now - last_activity_ms >= INPUT_IDLE_MS &&
        now >= next_input_check_ms) {
      next_input_check_ms = now + INPUT_IDLE_MS;
      if (foreground_wants_input()) {
        if (opt_stdin) {
          flush_held_cr();
          send_frame('I', NULL, 0);
          waiting_input = 1;
        } else {
          // Nobody can type: a program reading its terminal (stdin or /dev/tty) gets EOF.
          struct termios t;
          char eof = tcgetattr(master_fd, &t) == 0 ? (char)t.c_cc[VEOF] : 4;
          write_all(master_fd, &eof, 1);
          last_activity_ms = now;
        }
      }
    }
    flush_frames();
    if (frame_fd_broken) kill_everything_and_exit();
    if (done_sent && outq_len == 0 && !has_children()) break;

    struct pollfd fds[4];
    int nfds = 0;
    fds[nfds++] = (struct pollfd){.fd = CONTROL_FD, .events = POLLIN};
    fds[nfds++] = (struct pollfd){.fd = sig_fd, .events = POLLIN};
    fds[nfds++] = (struct pollfd){.fd = FRAME_FD, .events = outq_len ? POLLOUT : 0};
    if (master_open) fds[nfds++] = (struct pollfd){.fd = master_fd, .events = (short)(POLLIN | (input_pending() ? POLLOUT : 0))};

    long long timeout = -1;
    now = now_ms();
    if (!main_alive && !done_sent) timeout = GRACE_MS;
    if (master_open && main_alive && !waiting_input && !input_pending()) {
      long long wake = last_activity_ms + INPUT_IDLE_MS;
      if (next_input_check_ms > wake) wake = next_input_check_ms;
      long long t = wake > now ? wake - now : 0;
      if (timeout < 0 || t < timeout) timeout = t;
    }
    if (interrupt_deadline_ms) {
      long long t = interrupt_deadline_ms > now ? interrupt_deadline_ms - now : 0;
      if (timeout < 0 || t < timeout) timeout = t;
    }
    if (poll(fds, (nfds_t)nfds, (int)timeout) < 0 && errno != EINTR) fail("poll");

    if (fds[1].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sig_fd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGINT) interrupt_command();
        else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP) kill_everything_and_exit();
      }
      reap_children();
    }
    if (master_open && (fds[3].revents & POLLOUT)) flush_input();
    if (master_open && (fds[3].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t r = read(master_fd, buf, sizeof buf);
      if (r > 0) {
        if (!done_sent) on_terminal_bytes(buf, (size_t)r);  // later output has no cell to go to
        last_activity_ms = now_ms();
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        master_open = 0;  // EIO: no process holds the terminal any more
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) handle_control();
    reap_children();  // a SIGCHLD may have been merged with an earlier one
  }
  flush_frames_blocking();
  return 0;
}
