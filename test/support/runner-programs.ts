/** Small C programs the runner tests run, compiled with gcc into a temp dir. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const sources: Record<string, string> = {
  // Prints a line, sleeps 1 s, prints another (stdout is line buffered on a tty).
  'two-lines': `#include <stdio.h>
#include <unistd.h>
int main(void) { printf("first\\n"); sleep(1); printf("second\\n"); return 0; }`,
  // What the program was given: terminal, fds, signal state.
  inspect: `#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(void) {
  printf("tty %d %d %d\\n", isatty(0), isatty(1), isatty(2));
  DIR *d = opendir("/proc/self/fd");
  printf("fds");
  struct dirent *e;
  while ((e = readdir(d))) if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d)) printf(" %s", e->d_name);
  printf("\\n");
  closedir(d);
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  while (fgets(line, sizeof line, f)) if (!strncmp(line, "SigBlk", 6) || !strncmp(line, "SigIgn", 6)) fputs(line, stdout);
  fclose(f);
  return 0;
}`,
  segv: `int main(void) { *(volatile int *)0 = 1; return 0; }`,
  // A busy loop that ignores SIGINT: only the SIGKILL 2 s later ends it.
  'stubborn-spin': `#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int main(void) { signal(SIGINT, SIG_IGN); printf("pid %d\\n", getpid()); fflush(stdout); for (;;) {} }`,
  spin: `#include <stdio.h>
#include <unistd.h>
int main(void) { printf("pid %d\\n", getpid()); fflush(stdout); for (;;) {} }`,
  // The classic daemon: fork, setsid, fork again; the grandchild lives on.
  daemon: `#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(void) {
  if (fork() > 0) { sleep(1); return 0; }
  setsid();
  if (fork() > 0) _exit(0);
  printf("daemon %d\\n", getpid());
  fflush(stdout);
  for (int fd = 0; fd < 3; fd++) close(fd);
  sleep(100);
  return 0;
}`,
  'ask-number': `#include <stdio.h>
int main(void) {
  int n = 0;
  printf("number? ");
  fflush(stdout);
  if (scanf("%d", &n) != 1) { printf("no number\\n"); return 1; }
  printf("got %d\\n", n);
  return 0;
}`,
  // A bounded fork bomb: forks for 2 s (at most 2000 times); children sleep 3 s.
  'fork-bomb': `#include <stdio.h>
#include <time.h>
#include <unistd.h>
int main(void) {
  time_t end = time(NULL) + 2;
  int ok = 0, failed = 0;
  while (time(NULL) < end && ok < 2000) {
    pid_t p = fork();
    if (p == 0) { sleep(3); _exit(0); }
    if (p > 0) ok++; else { failed++; usleep(1000); }
  }
  printf("forked %d failed %d\\n", ok, failed);
  return 0;
}`,
};

export type ProgramName = keyof typeof sources;

/** Compiles every test program into dir; resolves to dir. */
export async function compileRunnerPrograms(dir: string): Promise<string> {
  await Promise.all(
    Object.entries(sources).map(async ([name, source]) => {
      const file = path.join(dir, `${name}.c`);
      await fs.promises.writeFile(file, source);
      await promisify(execFile)('gcc', ['-O0', '-o', path.join(dir, name), file]);
    }),
  );
  return dir;
}

/** Pids of the zombies whose parent is ppid. */
export function zombieChildren(ppid: number): number[] {
  const zombies: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' && Number(fields[1]) === ppid) zombies.push(Number(name));
  }
  return zombies;
}

/** How many processes the machine has now. */
export function processCount(): number {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
}
