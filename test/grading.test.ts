import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { PYTHON, runCommand } from './support/jupyter-env';
import { processesWith } from './support/processes';

const sockbook = path.join(projectRoot, 'bin', 'sockbook.js');

interface TestNotebookCell {
  source: string;
  tags?: string[];
  grade?: { id: string; points: number };
}

function writeNotebook(file: string, cells: TestNotebookCell[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((c, i) => ({
      cell_type: 'code',
      id: `cell-${i}`,
      metadata: {
        ...(c.tags ? { tags: c.tags } : {}),
        ...(c.grade ? { nbgrader: { grade: true, grade_id: c.grade.id, points: c.grade.points, solution: false } } : {}),
      },
      source: c.source,
      outputs: [],
      execution_count: null,
    })),
  };
  writeFileSync(file, JSON.stringify(nb, null, 1));
}

interface JunitCase {
  name: string;
  time: number;
  failure: string | null;
  failureText: string | null;
  error: string | null;
  skipped: boolean;
}

interface JunitSuite {
  name: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  cases: JunitCase[];
}

/** Parses a JUnit file with Python's XML parser: a file it refuses is not XML. */
async function parseJunit(file: string): Promise<{ root: string; suites: JunitSuite[] }> {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
def case(c):
    f, e = c.find('failure'), c.find('error')
    return {'name': c.get('name'), 'time': float(c.get('time')), 'failure': f.get('type') if f is not None else None,
            'failureText': f.text if f is not None else None, 'error': e.get('type') if e is not None else None,
            'skipped': c.find('skipped') is not None}
suites = [{'name': s.get('name'), 'tests': int(s.get('tests')), 'failures': int(s.get('failures')), 'errors': int(s.get('errors')),
           'skipped': int(s.get('skipped')), 'cases': [case(c) for c in s.iter('testcase')]} for s in root.iter('testsuite')]
print(json.dumps({'root': root.tag, 'suites': suites}))
`;
  const { code, stdout, stderr } = await runCommand(PYTHON, ['-c', script, file]);
  assert.equal(code, 0, `${file} is not valid XML: ${stderr}`);
  return JSON.parse(stdout) as { root: string; suites: JunitSuite[] };
}

interface GradescopeResults {
  score: number;
  execution_time: number;
  tests: { name: string; score: number; max_score: number; status: string; output?: string }[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

async function nothingLeftWith(text: string): Promise<number[]> {
  // The runs have ended; their last processes may take a moment to be reaped.
  for (let i = 0; i < 30; i++) {
    const left = processesWith(text);
    if (left.length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return processesWith(text);
}

function killLeftovers(text: string): void {
  for (const pid of processesWith(text)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The C exercise: `server.exe PORT` accepts one client on 127.0.0.1:PORT and sends back what it reads in upper case. */
function serverSource(body: string): string {
  return `%%cpp server.c
%run gcc -Wall server.c -o server.exe
#include <arpa/inet.h>
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
${body}
}
`;
}

const LISTEN = `  int server = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(server, (struct sockaddr *)&addr, sizeof addr) < 0) { perror("bind"); return 1; }
  listen(server, 1);
  int client = accept(server, NULL, NULL);
  char buf[256];
  ssize_t n;`;

const SUBMISSIONS: Record<string, string> = {
  correct: `${LISTEN}
  while ((n = read(client, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) buf[i] = toupper((unsigned char)buf[i]);
    write(client, buf, n);
  }
  close(client);
  return 0;`,
  'wrong-output': `${LISTEN}
  while ((n = read(client, buf, sizeof buf)) > 0) write(client, buf, n);
  close(client);
  return 0;`,
  // Reads, then never answers nor exits, even when interrupted.
  'never-returns': `${LISTEN}
  signal(SIGINT, SIG_IGN);
  n = read(client, buf, sizeof buf);
  for (;;) pause();`,
  // Bounded so that it cannot hurt the machine even without the guard: at most 1000 children, each gone after 3 s.
  'fork-bomb': `  int made = 0, refused = 0;
  for (int i = 0; i < 1000; i++) {
    pid_t pid = fork();
    if (pid == 0) { sleep(3); _exit(0); }
    if (pid < 0) refused++; else made++;
  }
  printf("forked %d, refused %d\\n", made, refused);
  return 0;`,
};

/** The grader's cells around a submission; MARKER is in the command line of every program the submission runs. */
function homework(marker: string, solution: string): TestNotebookCell[] {
  return [
    { source: 'const PORT = 31008;', tags: ['parameters'] },
    { source: serverSource(solution) },
    {
      source: "// test: server.exe was built\nimport { existsSync } from 'node:fs';\nif (!existsSync('server.exe')) throw new Error('server.exe was not built');",
      grade: { id: 'builds', points: 1 },
    },
    {
      source: `// test: the server answers in upper case
import * as net from 'node:net';
const server = launch(\`./server.exe \${PORT} ${marker}\`);
const ask = (): Promise<string> => new Promise((resolve, reject) => {
  const socket = net.connect(PORT, '127.0.0.1', () => socket.end('hello, socket\\n'));
  let got = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (got += d));
  socket.on('end', () => resolve(got));
  socket.on('error', reject);
});
let reply: string | undefined;
for (let attempt = 1; reply === undefined; attempt++) {
  try {
    reply = await ask();
  } catch (error) {
    if (attempt === 20) throw new Error(\`the server is not reachable on port \${PORT}: \${error}\`);
    await sleep(100);
  }
}
await server.wait();
if (reply !== 'HELLO, SOCKET\\n') throw new Error(\`expected "HELLO, SOCKET\\\\n", got \${JSON.stringify(reply)}\`);`,
      grade: { id: 'uppercase', points: 3 },
    },
    { source: "// the run goes on\nconsole.log('graded')" },
  ];
}

describe('sockbook run as a grading engine', function () {
  this.timeout(600000);
  let scratch: string;
  const marker = `sockbook-homework-${randomBytes(6).toString('hex')}`;

  before(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'sockbook-grading-'));
  });
  after(() => {
    killLeftovers(marker);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const env = () => ({ ...process.env, SOCKBOOK_CACHE_DIR: path.join(scratch, 'compile-cache'), SOCKBOOK_MAX_PROCS: '64' });

  it('grades four submissions of a socket exercise in one command, each in its own kernel and namespaces', async () => {
    const subs = path.join(scratch, 'homework', 'submitted');
    // nbgrader's layout: submitted/STUDENT/NOTEBOOK.ipynb, every student's notebook named alike.
    const order = ['never-returns', 'correct', 'wrong-output', 'fork-bomb'];
    const notebooks = order.map((student) => {
      const file = path.join(subs, student, 'sockets.ipynb');
      writeNotebook(file, homework(marker, SUBMISSIONS[student]));
      return file;
    });
    const inputs = notebooks.map((file) => readFileSync(file, 'utf8'));
    const outDir = path.join(scratch, 'homework', 'graded');
    const started = Date.now();
    const { code, stdout, stderr } = await runCommand(
      process.execPath,
      [sockbook, 'run', ...notebooks, '--out-dir', outDir, '--jobs', '2', '--isolate', 'net,tmp', '--cell-timeout', '5', '--junit', '--results'],
      { env: env(), cwd: scratch, timeoutMs: 540000 },
    );
    const wall = (Date.now() - started) / 1000;
    const all = `${stdout}\n${stderr}`;
    assert.equal(code, 3, `the worst verdict is the timeout (exit 3)\n${all}`);
    assert.deepEqual(await nothingLeftWith(marker), [], 'nothing the submissions started is left running');
    assert.deepEqual(await nothingLeftWith(subs), [], 'no run of a submission is left');
    notebooks.forEach((file, i) => assert.equal(readFileSync(file, 'utf8'), inputs[i], 'the submissions are untouched'));

    // The summary table: one row per notebook, named STUDENT-NOTEBOOK, with its score.
    const row = (name: string) => stdout.split('\n').find((line) => line.startsWith(`${name} `)) ?? '';
    assert.match(row('correct-sockets'), /\s4\/4\s.*\bok$/, all);
    assert.match(row('wrong-output-sockets'), /\s1\/4\s.*cell error$/, all);
    assert.match(row('never-returns-sockets'), /\s1\/4\s.*timeout$/, all);
    assert.match(row('fork-bomb-sockets'), /\s1\/4\s.*cell error$/, all);

    const names = ['const PORT = 31008;', '%%cpp server.c', '// test: server.exe was built', '// test: the server answers in upper case', '// the run goes on'];
    const expected: Record<string, { failure: string | null; lastSkipped: boolean; score: number }> = {
      correct: { failure: null, lastSkipped: false, score: 4 },
      'wrong-output': { failure: 'Error', lastSkipped: true, score: 1 },
      // A timeout does not stop the run: the last cell ran.
      'never-returns': { failure: 'CellTimeoutError', lastSkipped: false, score: 1 },
      'fork-bomb': { failure: 'Error', lastSkipped: true, score: 1 },
    };
    for (const student of order) {
      const name = `${student}-sockets`;
      const want = expected[student];
      const junit = await parseJunit(path.join(outDir, `${name}.junit.xml`));
      assert.equal(junit.root, 'testsuites');
      const [suite] = junit.suites;
      assert.equal(suite.name, name);
      assert.deepEqual(suite.cases.map((c) => c.name), names, `${name}: one testcase per code cell, named by its first line`);
      assert.equal(suite.tests, 5);
      assert.equal(suite.failures, want.failure ? 1 : 0, `${name}: failures`);
      assert.equal(suite.errors, 0, `${name}: no kernel died`);
      const graded = suite.cases[3];
      assert.equal(graded.failure, want.failure, `${name}: the upper-case test`);
      assert.equal(suite.cases[4].skipped, want.lastSkipped, `${name}: the last cell ${want.lastSkipped ? 'is not run after the error' : 'ran'}`);
      for (const c of suite.cases) assert.ok(c.time < 5 + 12, `${name}: "${c.name}" got its verdict within its time (${c.time} s)`);

      const results = readJson<GradescopeResults>(path.join(outDir, `${name}.results.json`));
      assert.equal(results.score, want.score, `${name}: score`);
      assert.deepEqual(
        results.tests.map((t) => [t.name, t.score, t.max_score, t.status]),
        [
          ['builds', 1, 1, 'passed'],
          ['uppercase', want.score - 1, 3, want.failure ? 'failed' : 'passed'],
        ],
      );
      assert.equal(typeof results.execution_time, 'number');
      const executed = readFileSync(path.join(outDir, `${name}.ipynb`), 'utf8');
      assert.doesNotMatch(executed, /is not available here/, `${name}: isolation was in force`);
    }
    const wrong = await parseJunit(path.join(outDir, 'wrong-output-sockets.junit.xml'));
    assert.match(wrong.suites[0].cases[3].failureText ?? '', /expected "HELLO, SOCKET\\n", got "hello, socket\\n"/);
    const hung = await parseJunit(path.join(outDir, 'never-returns-sockets.junit.xml'));
    assert.ok(hung.suites[0].cases[3].time >= 5, 'the hung test ran its 5 s');
    const bomb = readFileSync(path.join(outDir, 'fork-bomb-sockets.ipynb'), 'utf8');
    const forks = /forked (\d+), refused (\d+)/.exec(bomb);
    assert.ok(forks, `the fork bomb said how far it got:\n${bomb}`);
    assert.ok(Number(forks[1]) <= 64 && Number(forks[2]) > 0, `the pids cgroup (SOCKBOOK_MAX_PROCS=64) stopped the fork bomb: ${forks[0]}`);
    assert.ok(wall < 400, `graded in ${wall} s`);
  });

  it('passes -p parameters to a TypeScript cell as consts and to %run commands as environment variables', async () => {
    const dir = path.join(scratch, 'parameters');
    const notebook = path.join(dir, 'params.ipynb');
    writeNotebook(notebook, [
      { source: 'const PORT = 1;\nconst GREETING = "unset";', tags: ['parameters'] },
      { source: 'console.log(`ts: ${PORT + 1} ${typeof PORT} ${GREETING}`);\n!echo "sh: $PORT $GREETING"' },
      {
        source:
          '%%cpp show.c\n%run gcc show.c -o show.exe\n%run ./show.exe $PORT "$GREETING"\n#include <stdio.h>\nint main(int argc, char **argv) { printf("argv: %s [%s]\\n", argv[1], argv[2]); return 0; }\n',
      },
    ]);
    const input = readFileSync(notebook, 'utf8');
    const out = path.join(dir, 'out.ipynb');
    const { code, stdout, stderr } = await runCommand(
      process.execPath,
      [sockbook, 'run', notebook, '-o', out, '-p', 'PORT', '31500', '-p', 'GREETING', 'hello world', '--strict'],
      { env: env(), cwd: scratch },
    );
    assert.equal(code, 0, stdout + stderr);
    assert.equal(readFileSync(notebook, 'utf8'), input, 'the input is untouched with -o');
    const nb = readJson<{ cells: { source: string[]; metadata: { tags?: string[] }; outputs: { text?: string[]; data?: Record<string, string[]> }[] }[] }>(out);
    assert.deepEqual(nb.cells[0].metadata.tags, ['parameters']);
    assert.deepEqual(nb.cells[1].metadata.tags, ['injected-parameters'], 'injected right after the parameters cell');
    assert.match(nb.cells[1].source.join(''), /const PORT = 31500;\nconst GREETING = "hello world";/);
    const text = (i: number) => nb.cells[i].outputs.map((o) => (o.text ?? o.data?.['text/plain'] ?? []).join('')).join('');
    assert.match(text(2), /ts: 31501 number hello world/, 'a TypeScript cell sees the consts');
    assert.match(text(2), /sh: 31500 hello world/, 'a command of a TypeScript cell gets the variables');
    assert.match(text(3), /argv: 31500 \[hello world\]/, '%run gets the variables');
  });

  it('survives the death of the executor and of a command helper, and stops cells past their time', async () => {
    const dir = path.join(scratch, 'survival');
    const notebook = path.join(dir, 'survival.ipynb');
    writeNotebook(notebook, [
      { source: "let kept = 41;\nconsole.log('before')" },
      { source: "process.kill(process.pid, 'SIGKILL')" },
      { source: "console.log(typeof kept, 'in a fresh executor')" },
      { source: '%%bash\nkill -9 $PPID; sleep 1' },
      { source: '!echo after the helper died' },
      { source: `%%bash\ntrap '' INT\necho ignoring SIGINT ${marker}\nexec -a sleep-${marker} sleep 60` },
      { source: 'let n = 0;\nwhile (true) n++;' },
      { source: "throw new Error('expected')", tags: ['raises-exception'] },
      { source: "console.log('never')", tags: ['skip-execution'] },
      { source: "console.log('still running cells')" },
    ]);
    const junitFile = path.join(dir, 'survival.xml');
    const { code, stdout, stderr } = await runCommand(
      process.execPath,
      [sockbook, 'run', notebook, '--cell-timeout', '3', '--junit', junitFile],
      { env: env(), cwd: scratch, timeoutMs: 300000 },
    );
    assert.equal(code, 4, `a death is the worst here (exit 4)\n${stdout}\n${stderr}`);
    assert.deepEqual(await nothingLeftWith(marker), []);
    const [suite] = (await parseJunit(junitFile)).suites;
    const verdict = (c: JunitCase) => c.error ?? c.failure ?? (c.skipped ? 'skipped' : 'passed');
    assert.deepEqual(suite.cases.map(verdict), [
      'passed',
      'ExecutorDied',
      'passed',
      'RunnerDied',
      'passed',
      'CellTimeoutError',
      'CellTimeoutError',
      'passed',
      'skipped',
      'passed',
    ]);
    for (const i of [5, 6]) assert.ok(suite.cases[i].time < 3 + 12, `stopped in ${suite.cases[i].time} s`);
    const nb = readJson<{ cells: { outputs: { output_type: string; text?: string[]; ename?: string; evalue?: string }[] }[] }>(notebook);
    const text = (i: number) => nb.cells[i].outputs.map((o) => (o.text ?? []).join('')).join('');
    assert.match(text(2), /undefined in a fresh executor/, 'the cell after the death really ran, in a fresh executor');
    assert.match(nb.cells[1].outputs.at(-1)?.evalue ?? '', /TypeScript executor was killed by signal SIGKILL/, 'the error says what died');
    assert.match(nb.cells[3].outputs.at(-1)?.evalue ?? '', /helper ended \(SIGKILL\)/);
    assert.match(text(4), /after the helper died/);
    assert.equal(nb.cells[7].outputs.at(-1)?.ename, 'Error', 'the expected error is kept');
    assert.match(text(9), /still running cells/);
  });

  it('stops the notebook past --timeout: the running cell is stopped and the rest are not run', async () => {
    const dir = path.join(scratch, 'deadline');
    const notebook = path.join(dir, 'deadline.ipynb');
    writeNotebook(notebook, [{ source: '!echo first' }, { source: `%%bash\nexec -a sleep-${marker} sleep 60` }, { source: '!echo never' }]);
    const started = Date.now();
    const { code, stdout, stderr } = await runCommand(process.execPath, [sockbook, 'run', notebook, '--timeout', '3', '--junit', path.join(dir, 'j.xml')], {
      env: env(),
      cwd: scratch,
    });
    assert.equal(code, 3, stdout + stderr);
    assert.ok((Date.now() - started) / 1000 < 3 + 15, 'the notebook stopped at its deadline');
    assert.deepEqual(await nothingLeftWith(marker), []);
    const [suite] = (await parseJunit(path.join(dir, 'j.xml'))).suites;
    assert.deepEqual(
      suite.cases.map((c) => c.failure ?? (c.skipped ? 'skipped' : 'passed')),
      ['passed', 'NotebookTimeoutError', 'skipped'],
    );
    assert.doesNotMatch(stdout, /never/);
  });
});
