// sockbook-reaper: ends what a kernel left behind once the kernel is gone.
//
//   sockbook-reaper KERNEL_PID [--group 1|2 DIR]... [--remove DIR]...
//
// The kernel starts it (outside its groups) when it makes its cgroups. It
// waits until process KERNEL_PID ends, however it ends (kill -9 included):
// then it kills every process in each cgroup DIR and its child groups
// (v2: cgroup.kill; v1: SIGKILL to each pid of cgroup.procs, round after
// round, until none is left), removes the groups, and removes each --remove
// DIR (a flat directory of kept output files). A kernel that shuts down
// normally does all this itself and then kills the reaper.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "own-fds.h"

#define MAX_DIRS 16
#define PATIENCE_ROUNDS 1000  // of 10 ms

struct group {
  int version;
  const char *dir;
};

static void pause_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

// Calls fn on dir's child directories (deepest first), then on dir itself.
static void each_group(const char *dir, void (*fn)(const char *, void *), void *arg) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char sub[PATH_MAX];
      snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
      each_group(sub, fn, arg);
    }
    closedir(d);
  }
  fn(dir, arg);
}

// SIGKILLs (when *arg is set) and counts the live members of one group.
static void kill_members(const char *dir, void *arg) {
  int *state = arg;  // [0]: send SIGKILL, [1]: members seen
  char file[PATH_MAX];
  snprintf(file, sizeof file, "%s/cgroup.procs", dir);
  FILE *f = fopen(file, "re");
  if (!f) return;
  int pid;
  while (fscanf(f, "%d", &pid) == 1) {
    if (pid <= 0 || pid == getpid()) continue;
    if (state[0]) kill(pid, SIGKILL);
    state[1]++;
  }
  fclose(f);
}

static void remove_group(const char *dir, void *arg) {
  (void)arg;
  rmdir(dir);
}

static void end_group(const struct group *g) {
  char file[PATH_MAX];
  snprintf(file, sizeof file, "%s/cgroup.kill", g->dir);
  int one_write = 0;
  if (g->version == 2) {
    int fd = open(file, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      one_write = write(fd, "1\n", 2) == 2;
      close(fd);
    }
  }
  for (int round = 0; round < PATIENCE_ROUNDS; round++) {
    int state[2] = {!one_write, 0};
    each_group(g->dir, kill_members, state);
    if (!state[1]) break;
    pause_ms(10);
  }
  each_group(g->dir, remove_group, NULL);
}

static void remove_flat_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    unlinkat(dirfd(d), e->d_name, 0);
  }
  closedir(d);
  rmdir(dir);
}

// Returns once process pid (our parent) has ended.
static void wait_for_end(pid_t pid) {
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
    return;
  }
  // No pidfd: we are its child, and are handed to another parent when it dies.
  while (getppid() == pid) pause_ms(100);
}

int main(int argc, char **argv) {
  if (argc < 2 || atoi(argv[1]) <= 0) {
    fprintf(stderr, "usage: sockbook-reaper KERNEL_PID [--group 1|2 DIR]... [--remove DIR]...\n");
    return 2;
  }
  close_fds_from(3, -1);
  pid_t kernel = (pid_t)atoi(argv[1]);
  struct group groups[MAX_DIRS];
  const char *removes[MAX_DIRS];
  int ngroups = 0, nremoves = 0;
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--group") && i + 2 < argc && ngroups < MAX_DIRS) {
      groups[ngroups].version = atoi(argv[i + 1]);
      groups[ngroups++].dir = argv[i + 2];
      i += 2;
    } else if (!strcmp(argv[i], "--remove") && i + 1 < argc && nremoves < MAX_DIRS) {
      removes[nremoves++] = argv[++i];
    } else {
      fprintf(stderr, "sockbook-reaper: bad argument %s\n", argv[i]);
      return 2;
    }
  }
  // The kernel started us: once our parent is someone else, it is gone.
  if (getppid() == kernel) wait_for_end(kernel);
  for (int i = 0; i < ngroups; i++) end_group(&groups[i]);
  for (int i = 0; i < nremoves; i++) remove_flat_dir(removes[i]);
  return 0;
}
