// sockbook-launch: starts a program that must not outlive the kernel.
//
//   sockbook-launch PARENT_PID -- PROGRAM [ARG]...
//
// Sets PR_SET_PDEATHSIG to SIGKILL (kept across exec), so PROGRAM is killed
// by the kernel itself the moment its parent (the kernel, PARENT_PID) ends,
// even while PROGRAM spins in a loop that never reads its IPC channel, and
// executes PROGRAM in the same process with fds 0-2 and the Node IPC channel
// (NODE_CHANNEL_FD); every other fd is closed. (The executor joins the
// kernel's cgroups itself, while it loads: a v1 cgroup write can wait 20 ms.)
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "own-fds.h"

int main(int argc, char **argv) {
  if (argc < 4 || atoi(argv[1]) <= 0) {
    fprintf(stderr, "usage: sockbook-launch PARENT_PID -- PROGRAM [ARG]...\n");
    return 2;
  }
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
    fprintf(stderr, "sockbook-launch: PR_SET_PDEATHSIG: %s\n", strerror(errno));
    return 127;
  }
  // The parent may have died before the line above: then nothing would kill us.
  if (getppid() != (pid_t)atoi(argv[1])) return 127;
  int i = 2;
  if (i >= argc || strcmp(argv[i], "--")) {
    fprintf(stderr, "sockbook-launch: bad argument %s\n", i < argc ? argv[i] : "(none)");
    return 2;
  }
  if (i + 1 >= argc) {
    fprintf(stderr, "sockbook-launch: no program after --\n");
    return 2;
  }
  // Only stdio and the Node IPC channel the program was forked with go on.
  const char *channel = getenv("NODE_CHANNEL_FD");
  close_fds_from(3, channel ? atoi(channel) : -1);
  execvp(argv[i + 1], argv + i + 1);
  fprintf(stderr, "sockbook-launch: cannot run %s: %s\n", argv[i + 1], strerror(errno));
  return 127;
}
