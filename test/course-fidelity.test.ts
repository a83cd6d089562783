import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { annotationKindOf } from '../kernel/display/annotation';
import type { Metadata, MimeBundle } from '../kernel/interpreter/output-sink';
import type { Message } from '../kernel/wire/message';
import { useKernel } from './support/kernel-fixture';

/**
 * Programs in the styles of the course's seminars, run as the course's
 * notebooks run them, in both dialects of the magics: the file written, the
 * "Run:" displays, the program's stream exactly as a terminal prints it
 * (checked against `script`, a real pseudo-terminal), and the kernel's
 * annotations beside it.
 */

type Dialect = 'silent-comments' | 'headings';

// Setup cells as the course notebooks carry them, with the lines of save_file that tell the years apart.
const SETUP: Record<Dialect, string> = {
  'silent-comments': String.raw`# look at tools/set_up_magics.ipynb
yandex_metrica_allowed = True ; get_ipython().run_cell('# one_liner_str\n\n@register_cell_magic\ndef save_file(args_str, cell, line_comment_start="#"):\n    ...\n            if line.startswith("%"):\n                run_prefix = "%run "\n                if line.startswith(run_prefix):\n                    cmds.append(line[len(run_prefix):].strip())\n                    f.write(line_comment_start + " " + line_to_write)\n                    continue\n                run_prefix = "%# "\n                if line.startswith(run_prefix):\n                    f.write(line_comment_start + " " + line_to_write)\n                    continue\n                raise Exception("Unknown %%save_file subcommand: \'%s\'" % line)\n')
None`,
  headings: String.raw`# look at tools/set_up_magics.ipynb
yandex_metrica_allowed = True ; get_ipython().run_cell('# one_liner_str\n\n@register_cell_magic\ndef save_file(args_str, cell, line_comment_start="#"):\n    ...\n                comment_prefix = "%" + line_comment_start\n                if line.startswith(comment_prefix):\n                    cmds.append(\'#\' + line[len(comment_prefix):].strip())\n    for cmd in cmds:\n        if cmd.startswith(\'#\'):\n            display(Markdown("\\#\\#\\#\\# BACKTICK%sBACKTICK" % cmd[1:]))\n')
None`.replace(/BACKTICK/g, '`'),
};

interface Program {
  name: string;
  /** Heading (2021 magics) or silent comment (2019-21). */
  note: string;
  compile: string;
  runs: string[];
  source: string;
  /** The stream of each run, exactly; a function for what is timing-dependent. */
  streams: (string | ((text: string) => void))[];
  /** The annotations after each run ('' for none). */
  endings: string[];
  /** Also run each command in `script` (a real terminal) and compare. */
  atTerminal: boolean;
}

const PROGRAMS: Program[] = [
  {
    name: 'io',
    note: 'read, write and lseek',
    compile: 'gcc -Wall io.c -o io.exe',
    runs: ['./io.exe', 'cat io.txt'],
    source: `#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main() {
    int fd = open("io.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    const char* text = "hello, world\\n";
    printf("written %zd\\n", write(fd, text, strlen(text)));
    printf("offset %ld\\n", (long)lseek(fd, 7, SEEK_SET));
    char buf[16] = {0};
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    printf("read %zd: %s", n, buf);
    printf("end %ld\\n", (long)lseek(fd, 0, SEEK_END));
    close(fd);
    return 0;
}
`,
    streams: ['written 13\noffset 7\nread 6: world\nend 13\n', 'hello, world\n'],
    endings: ['', ''],
    atTerminal: true,
  },
  {
    name: 'stat',
    note: 'stat and lstat',
    compile: 'gcc -Wall stat.c -o stat.exe',
    runs: ['printf 12345 > five.txt && ln -sf five.txt link.txt && mkdir -p sub', './stat.exe five.txt link.txt sub missing.txt'],
    source: `#include <stdio.h>
#include <sys/stat.h>

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        struct stat st;
        if (lstat(argv[i], &st) < 0) {
            perror(argv[i]);
            continue;
        }
        if (S_ISREG(st.st_mode)) printf("%s: regular file, %lld bytes\\n", argv[i], (long long)st.st_size);
        else if (S_ISLNK(st.st_mode)) printf("%s: symlink, %lld bytes\\n", argv[i], (long long)st.st_size);
        else if (S_ISDIR(st.st_mode)) printf("%s: directory\\n", argv[i]);
    }
    return 0;
}
`,
    streams: ['', 'five.txt: regular file, 5 bytes\nlink.txt: symlink, 8 bytes\nsub: directory\nmissing.txt: No such file or directory\n'],
    endings: ['', ''],
    atTerminal: true,
  },
  {
    name: 'pipe',
    note: 'fork, exec, pipe and dup2',
    compile: 'gcc -Wall pipe.c -o pipe.exe',
    runs: ['./pipe.exe'],
    source: `#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main() {
    int fds[2];
    pipe(fds);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execlp("echo", "echo", "hello from the child", NULL);
        _exit(127);
    }
    close(fds[1]);
    char buf[100];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
        printf("parent read %zd bytes: ", n);
        fwrite(buf, 1, n, stdout);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("child exited with %d\\n", WEXITSTATUS(status));
    return 3;
}
`,
    streams: ['parent read 21 bytes: hello from the child\nchild exited with 0\n'],
    endings: ['exit code 3'],
    atTerminal: true,
  },
  {
    name: 'sigint',
    note: 'SIGINT from timeout',
    compile: 'gcc -Wall sigint.c -o sigint.exe',
    runs: ['timeout -s SIGINT 1 ./sigint.exe'],
    source: `#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t stop = 0;
static void on_sigint(int signo) { (void)signo; stop = 1; }

int main() {
    struct sigaction action = {.sa_handler = on_sigint};
    sigaction(SIGINT, &action, NULL);
    printf("waiting for SIGINT\\n");
    fflush(stdout);
    while (!stop) pause();
    printf("got SIGINT, exiting with 0\\n");
    return 0;
}
`,
    streams: ['waiting for SIGINT\ngot SIGINT, exiting with 0\n'],
    endings: ['exit code 124'],
    atTerminal: false,
  },
  {
    name: 'sigqueue',
    note: 'sigqueue and sigwaitinfo',
    compile: 'gcc -Wall sigqueue.c -o sigqueue.exe',
    runs: ['./sigqueue.exe'],
    source: `#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (int i = 1; i <= 3; ++i) sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 10 * i});
    for (int i = 0; i < 3; ++i) {
        siginfo_t info;
        sigwaitinfo(&set, &info);
        printf("SIGRTMIN with value %d from %s\\n", info.si_value.sival_int, info.si_pid == getpid() ? "itself" : "elsewhere");
    }
    return 0;
}
`,
    streams: ['SIGRTMIN with value 10 from itself\nSIGRTMIN with value 20 from itself\nSIGRTMIN with value 30 from itself\n'],
    endings: [''],
    atTerminal: true,
  },
  {
    name: 'threads',
    note: 'pthread_create and pthread_join',
    compile: 'gcc -Wall threads.c -o threads.exe -lpthread',
    runs: ['./threads.exe'],
    source: `#include <pthread.h>
#include <stdio.h>

static void* square(void* arg) {
    long n = (long)arg;
    return (void*)(n * n);
}

int main() {
    pthread_t threads[4];
    for (long i = 0; i < 4; ++i) pthread_create(&threads[i], NULL, square, (void*)(i + 1));
    for (int i = 0; i < 4; ++i) {
        void* result;
        pthread_join(threads[i], &result);
        printf("thread %d: %ld\\n", i, (long)result);
    }
    return 0;
}
`,
    streams: ['thread 0: 1\nthread 1: 4\nthread 2: 9\nthread 3: 16\n'],
    endings: [''],
    atTerminal: true,
  },
  {
    name: 'mutex',
    note: 'a mutex, checked by ThreadSanitizer',
    compile: 'gcc -Wall -fsanitize=thread -g mutex.c -o mutex.exe -lpthread',
    runs: ['./mutex.exe'],
    source: `#include <pthread.h>
#include <stdio.h>

static int counter = 0;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;

static void* work(void* arg) {
    for (int i = 0; i < 100000; ++i) {
        pthread_mutex_lock(&mutex);
        ++counter;
        pthread_mutex_unlock(&mutex);
    }
    return arg;
}

int main() {
    pthread_t threads[2];
    for (int i = 0; i < 2; ++i) pthread_create(&threads[i], NULL, work, NULL);
    for (int i = 0; i < 2; ++i) pthread_join(threads[i], NULL);
    printf("counter %d\\n", counter);
    return 0;
}
`,
    streams: ['counter 200000\n'],
    endings: [''],
    atTerminal: false,
  },
  {
    name: 'shm',
    note: 'POSIX shared memory and a named semaphore',
    compile: 'gcc -Wall shm.c -o shm.exe -lrt -lpthread',
    runs: ['./shm.exe'],
    source: `#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main() {
    const char* shm_name = "/sockbook_fidelity_shm";
    const char* sem_name = "/sockbook_fidelity_sem";
    shm_unlink(shm_name);
    sem_unlink(sem_name);
    int fd = shm_open(shm_name, O_CREAT | O_RDWR, 0600);
    if (ftruncate(fd, 4096) < 0) return 1;
    char* memory = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    sem_t* ready = sem_open(sem_name, O_CREAT, 0600, 0);
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(memory, "written by the child");
        sem_post(ready);
        return 0;
    }
    sem_wait(ready);
    printf("the parent reads: %s\\n", memory);
    waitpid(pid, NULL, 0);
    munmap(memory, 4096);
    close(fd);
    sem_close(ready);
    shm_unlink(shm_name);
    sem_unlink(sem_name);
    return 0;
}
`,
    streams: ['the parent reads: written by the child\n'],
    endings: [''],
    atTerminal: true,
  },
  {
    name: 'tty',
    note: 'fds 0, 1 and 2 of a terminal',
    compile: 'gcc -Wall tty.c -o tty.exe',
    runs: ['./tty.exe'],
    source: `#include <fcntl.h>
#include <stdio.h>

int main() {
    const char* modes[] = {"O_RDONLY", "O_WRONLY", "O_RDWR"};
    for (int fd = 0; fd < 3; ++fd) printf("%d: %s\\n", fd, modes[fcntl(fd, F_GETFL) & O_ACCMODE]);
    int flags = fcntl(0, F_GETFL);
    fcntl(0, F_SETFL, flags | O_NONBLOCK);
    int shared = (fcntl(1, F_GETFL) & O_NONBLOCK) && (fcntl(2, F_GETFL) & O_NONBLOCK);
    fcntl(0, F_SETFL, flags);
    printf("one open file description: %s\\n", shared ? "yes" : "no");
    return 0;
}
`,
    streams: ['0: O_RDWR\n1: O_RDWR\n2: O_RDWR\none open file description: yes\n'],
    endings: [''],
    atTerminal: true,
  },
  {
    name: 'merge',
    note: 'standard signals merge, real-time ones queue',
    compile: 'gcc -Wall merge.c -o merge.exe',
    runs: ['./merge.exe'],
    // The child waits until the parent has sent every signal: then what a terminal shows does not depend on timing.
    source: `#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1 = 0, rtmin = 0;
static void on_usr1(int signo) { (void)signo; ++usr1; }
static void on_rtmin(int signo) { (void)signo; ++rtmin; }

int main() {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    int go[2];
    pipe(go);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction action = {.sa_handler = on_usr1};
        sigaction(SIGUSR1, &action, NULL);
        action.sa_handler = on_rtmin;
        sigaction(SIGRTMIN, &action, NULL);
        char byte;
        read(go[0], &byte, 1);
        sigset_t empty;
        sigemptyset(&empty);
        while (rtmin < 10) {
            sigsuspend(&empty);
            printf("SIGUSR1 %d, SIGRTMIN %d\\n", (int)usr1, (int)rtmin);
        }
        return 0;
    }
    for (int i = 0; i < 10; ++i) kill(pid, SIGUSR1);
    for (int i = 0; i < 10; ++i) kill(pid, SIGRTMIN);
    write(go[1], "!", 1);
    waitpid(pid, NULL, 0);
    return 0;
}
`,
    streams: ['SIGUSR1 1, SIGRTMIN 10\n'],
    endings: [''],
    atTerminal: true,
  },
  {
    name: 'race',
    note: 'the course program: the child may already wait',
    compile: 'gcc -Wall race.c -o race.exe',
    runs: ['./race.exe'],
    source: `#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1 = 0, rtmin = 0;
static void on_usr1(int signo) { (void)signo; ++usr1; }
static void on_rtmin(int signo) { (void)signo; ++rtmin; }

int main() {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction action = {.sa_handler = on_usr1};
        sigaction(SIGUSR1, &action, NULL);
        action.sa_handler = on_rtmin;
        sigaction(SIGRTMIN, &action, NULL);
        sigset_t empty;
        sigemptyset(&empty);
        while (1) {
            sigsuspend(&empty);
            printf("SIGUSR1 %d, SIGRTMIN %d\\n", (int)usr1, (int)rtmin);
            fflush(stdout);
        }
    }
    for (int i = 0; i < 10; ++i) kill(pid, SIGUSR1);
    for (int i = 0; i < 10; ++i) kill(pid, SIGRTMIN);
    usleep(300000);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return 0;
}
`,
    // Whether the child reaches sigsuspend before the first kill is a race (docs/signals.md): what is certain is
    // that every line is well formed, the ten SIGRTMIN all arrive, and the ten SIGUSR1 arrive one to ten times.
    streams: [
      (text) => {
        const lines = text.split('\n');
        assert.equal(lines.pop(), '', text);
        const counts = lines.map((line) => {
          const match = /^SIGUSR1 (\d+), SIGRTMIN (\d+)$/.exec(line);
          assert.ok(match, `a well-formed line: ${JSON.stringify(line)}`);
          return [Number(match[1]), Number(match[2])];
        });
        const [usr1, rtmin] = counts[counts.length - 1];
        assert.equal(rtmin, 10, text);
        assert.ok(usr1 >= 1 && usr1 <= 10, text);
        if (usr1 === 1) assert.deepEqual(lines, ['SIGUSR1 1, SIGRTMIN 10'], 'when they merged, one wake-up saw them all');
      },
    ],
    endings: [''],
    atTerminal: false,
  },
];

/** The course's cell for a program: the note line of the dialect, the %run lines, the source. */
function cellOf(program: Program, dialect: Dialect): { code: string; percentLines: string[] } {
  const note = dialect === 'headings' ? `%// ${program.note}` : `%# ${program.note}`;
  const percentLines = [note, `%run ${program.compile}`, ...program.runs.map((run) => `%run ${run}`)];
  return { code: [`%%cpp ${program.name}.c`, ...percentLines, program.source].join('\n'), percentLines };
}

type Shown = { md: string } | { out: string } | { note: string };

/** What a cell showed, in order: Markdown displays, the stream (merged), the kernel's annotations. */
function shownOf(outputs: Message[]): Shown[] {
  const shown: Shown[] = [];
  for (const message of outputs) {
    const type = message.header.msg_type;
    if (type === 'stream') {
      const text = String(message.content.text);
      const last = shown[shown.length - 1];
      if (last && 'out' in last) last.out += text;
      else shown.push({ out: text });
    } else if (type === 'display_data') {
      const data = message.content.data as MimeBundle;
      if (annotationKindOf(message.content.metadata as Metadata)) shown.push({ note: String(data['text/plain']) });
      else shown.push({ md: String(data['text/markdown']) });
    }
  }
  return shown;
}

/** The command run in a real pseudo-terminal (`script`), with the terminal's \r\n folded as the kernel folds it. */
function atTerminal(command: string, cwd: string): string {
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, encoding: 'utf8', timeout: 20000 });
  if (result.error) throw result.error;
  return result.stdout.replace(/\r+\n/g, '\n');
}

for (const dialect of ['silent-comments', 'headings'] as const) {
  describe(`course fidelity: notebooks with the ${dialect === 'headings' ? '2021' : '2019-21'} magics`, function () {
    this.timeout(120000);

    before(async function () {
      try {
        execFileSync('script', ['-qec', 'true', '/dev/null']);
      } catch (error) {
        throw new Error(`these tests compare with a real terminal through script(1) from util-linux: ${(error as Error).message}`);
      }
    });
    const kernel = useKernel();
    before(async () => {
      const setup = await kernel.execute(SETUP[dialect]);
      assert.equal(setup.reply.content.status, 'ok');
      assert.deepEqual(shownOf(setup.outputs), []);
    });

    for (const program of PROGRAMS) {
      it(`${program.name}: ${program.note}`, async () => {
        const { code, percentLines } = cellOf(program, dialect);
        const { reply, outputs } = await kernel.execute(code, {}, 60000);
        assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));

        const written = readFileSync(path.join(kernel.dir, `${program.name}.c`), 'utf8');
        assert.equal(written, `// %%cpp ${program.name}.c\n${percentLines.map((line) => `// ${line}\n`).join('')}${program.source}\n`);

        const expected: Shown[] = [];
        if (dialect === 'headings') expected.push({ md: `\\#\\#\\#\\# \`${program.note}\`` });
        expected.push({ md: `Run: \`${program.compile}\`` });
        const shown = shownOf(outputs);
        const checks: ((text: string) => void)[] = [];
        program.runs.forEach((run, i) => {
          expected.push({ md: `Run: \`${run}\`` });
          const stream = program.streams[i];
          if (typeof stream === 'string') {
            if (stream !== '') expected.push({ out: stream });
          } else {
            expected.push({ out: '(checked below)' });
            checks.push(stream);
          }
          if (program.endings[i]) expected.push({ note: program.endings[i] });
        });
        const comparable = shown.map((item, i) => ('out' in item && 'out' in (expected[i] ?? {}) && (expected[i] as { out: string }).out === '(checked below)' ? expected[i] : item));
        assert.deepEqual(comparable, expected);
        const dynamic = shown.filter((item, i) => 'out' in item && (expected[i] as { out?: string })?.out === '(checked below)');
        dynamic.forEach((item, i) => checks[i]((item as { out: string }).out));

        if (program.atTerminal) {
          program.runs.forEach((run, i) => {
            assert.equal(atTerminal(run, kernel.dir), program.streams[i], `${run} at a real terminal`);
          });
        }
      });
    }
  });
}
