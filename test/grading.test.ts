import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  metadata?: Record<string, unknown>;
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
        ...c.metadata,
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
  output: string;
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

  /** One folder of submissions, as a teacher collects them: subs/STUDENT.ipynb, each with its own srv.c and srv.exe. */
  function oneFolderHomework(solution: string): TestNotebookCell[] {
    return [
      // What the run finds in its working directory before it builds anything.
      { source: '!ls -A' },
      { source: serverSource(solution).replace(/server\.(c|exe)/g, 'srv.$1') },
      {
        source: `// test: the server answers in upper case
import * as net from 'node:net';
const server = launch(\`./srv.exe 31008 ${marker}\`);
const ask = (): Promise<string> => new Promise((resolve, reject) => {
  const socket = net.connect(31008, '127.0.0.1', () => socket.end('hello, socket\\n'));
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
    if (attempt === 20) throw new Error(\`the server is not reachable: \${error}\`);
    await sleep(100);
  }
}
await server.wait();
if (reply !== 'HELLO, SOCKET\\n') throw new Error(\`expected "HELLO, SOCKET\\\\n", got \${JSON.stringify(reply)}\`);`,
        grade: { id: 'uppercase', points: 2 },
      },
    ];
  }

  type SavedNotebook = { cells: { source: string[]; metadata: Record<string, unknown>; outputs: { output_type: string; text?: string[]; ename?: string; data?: Record<string, string[]> }[] }[] };
  const cellText = (nb: SavedNotebook, i: number) => nb.cells[i].outputs.map((o) => (o.text ?? o.data?.['text/plain'] ?? []).join('')).join('');

  for (const jobs of [2, 1]) {
    it(`grades four submissions kept in ONE folder with --jobs ${jobs}: each in a private copy of the folder, none sees another's files`, async () => {
      const subs = path.join(scratch, `one-folder-${jobs}`, 'subs');
      const students: Record<string, string> = { good: 'correct', wrong: 'wrong-output', hang: 'never-returns', forkbomb: 'fork-bomb' };
      // The fork bomb runs last: in a shared folder it would find the good server's srv.exe.
      const order = ['good', 'wrong', 'hang', 'forkbomb'];
      const notebooks = order.map((student) => {
        const file = path.join(subs, `${student}.ipynb`);
        writeNotebook(file, oneFolderHomework(SUBMISSIONS[students[student]]));
        return file;
      });
      writeFileSync(path.join(subs, 'README.txt'), 'the assignment\n');
      const before = readdirSync(subs).sort();
      // The results go inside the submissions' folder: a run must not see the others' results either.
      const outDir = path.join(subs, 'graded');
      const { code, stdout, stderr } = await runCommand(
        process.execPath,
        [sockbook, 'run', ...notebooks, '--out-dir', outDir, '--jobs', String(jobs), '--isolate', 'net,tmp', '--cell-timeout', '5', '--strict', '--junit', '--results'],
        { env: env(), cwd: scratch, timeoutMs: 540000 },
      );
      const all = `${stdout}\n${stderr}`;
      assert.equal(code, 3, `the worst verdict is the timeout (exit 3)\n${all}`);
      assert.deepEqual(await nothingLeftWith(marker), [], 'nothing the submissions started is left running');
      assert.deepEqual(await nothingLeftWith(subs), [], 'no run of a submission is left');
      assert.deepEqual(readdirSync(subs).sort(), [...before, 'graded'].sort(), 'nothing was written into the submissions folder but the results');

      const row = (name: string) => stdout.split('\n').find((line) => line.startsWith(`${name} `)) ?? '';
      assert.match(row('good'), /\s2\/2\s.*\bok$/, all);
      assert.match(row('wrong'), /\s0\/2\s.*cell error$/, all);
      assert.match(row('hang'), /\s0\/2\s.*timeout$/, all);
      assert.match(row('forkbomb'), /\s0\/2\s.*cell error$/, all);
      const want: Record<string, { score: number; failure: string | null }> = {
        good: { score: 2, failure: null },
        wrong: { score: 0, failure: 'Error' },
        hang: { score: 0, failure: 'CellTimeoutError' },
        forkbomb: { score: 0, failure: 'Error' },
      };
      for (const student of order) {
        const results = readJson<GradescopeResults>(path.join(outDir, `${student}.results.json`));
        assert.equal(results.score, want[student].score, `${student}: score`);
        const [suite] = (await parseJunit(path.join(outDir, `${student}.junit.xml`))).suites;
        assert.equal(suite.cases[2].failure, want[student].failure, `${student}: the graded cell`);
        const nb = readJson<SavedNotebook>(path.join(outDir, `${student}.ipynb`));
        // Its own notebook and the folder's other files, never another submission nor its build.
        assert.deepEqual(cellText(nb, 0).trim().split(/\s+/).sort(), ['README.txt', `${student}.ipynb`].sort(), `${student} saw only its own copy`);
        // The feedback page for the student.
        const page = readFileSync(path.join(outDir, `${student}.html`), 'utf8');
        assert.match(page, new RegExp(`<title>${student} — ${want[student].score}/2</title>`), `${student}.html shows the score`);
        // What it wrote is kept beside its results: its own source and program.
        const files = path.join(outDir, `${student}.files`);
        assert.deepEqual(readdirSync(files).sort(), ['srv.c', 'srv.exe'], `${student}: what it wrote`);
        assert.equal(readFileSync(path.join(files, 'srv.c'), 'utf8').includes(SUBMISSIONS[students[student]].split('\n').slice(-3).join('\n')), true, `${student}.files/srv.c is its own`);
        // Its working directory is gone.
        const log = readFileSync(path.join(outDir, `${student}.log`), 'utf8');
        const workdir = /working directory: (\S+), a copy of/.exec(log)?.[1];
        assert.ok(workdir && !workdir.startsWith(subs), `${student} ran in a directory of its own:\n${log}`);
        assert.equal(existsSync(workdir), false, `${student}: ${workdir} is removed after the run`);
        assert.equal(existsSync(path.dirname(workdir)), false, `${student}: the batch's directory of working directories is removed too`);
      }
      const bomb = readFileSync(path.join(outDir, 'forkbomb.ipynb'), 'utf8');
      assert.match(bomb, /forked \d+, refused [1-9]/, 'the fork bomb ran its own program, stopped by the pids cgroup');
    });
  }

  it('gives partial credit from checks, with their messages in JUnit, results.json and the notebook; stderr alone never costs points', async () => {
    const dir = path.join(scratch, 'partial');
    const notebook = path.join(dir, 'partial.ipynb');
    writeNotebook(notebook, [
      {
        source: "// test: arithmetic\ngrade.check('adds', 1 + 1 === 2, 1, 'one plus one');\ngrade.check('multiplies', 2 * 3 === 6, 1);\ngrade.check('divides', 7 / 2 === 3, 1, `expected 3, got ${7 / 2}`);",
        grade: { id: 'arithmetic', points: 3 },
      },
      {
        source:
          '%%cpp reply.c\n%run gcc -Wall reply.c -o reply.exe\n%run ./reply.exe\n#include <stdio.h>\nint main(void) {\n  int unused;\n  printf("SOCKBOOK-CHECK PASS 1 builds reply.exe was made\\n");\n  printf("SOCKBOOK-CHECK %s 1 reply expected \\"HELLO\\", got \\"%s\\"\\n", 0 ? "PASS" : "FAIL", "hello");\n  return 0;\n}\n',
        grade: { id: 'c-checks', points: 2 },
      },
      { source: '%%c\nint main(void) { int unused; return 0; }\n', grade: { id: 'warning-only', points: 1 }, tags: ['c', 'warnings'], metadata: { sockbook: { visibility: 'after_published' } } },
      { source: '%%bash\necho "a note on stderr" >&2\necho "SOCKBOOK-CHECK PASS 2 script the script ran"', grade: { id: 'shell', points: 2 } },
      { source: "grade.check('before', true, 2, 'fine so far');\nthrow new Error('the test crashed')", grade: { id: 'crashes', points: 2 } },
    ]);
    const out = path.join(dir, 'out.ipynb');
    const junitFile = path.join(dir, 'j.xml');
    const resultsFile = path.join(dir, 'results.json');
    const { code, stdout, stderr } = await runCommand(
      process.execPath,
      [sockbook, 'run', notebook, '-o', out, '--junit', junitFile, '--results', resultsFile, '--allow-errors', '--strict'],
      { env: env(), cwd: scratch, timeoutMs: 300000 },
    );
    assert.equal(code, 1, `the crashed test is a cell error\n${stdout}\n${stderr}`);
    assert.match(stdout, /\[sockbook\] ✘ divides \(0\/1\): expected 3, got 3\.5/, 'the checks are printed as they come');
    assert.match(stdout, /\[sockbook\] score 2\/3 \(2 of 3 checks passed\)/);

    const results = readJson<GradescopeResults>(resultsFile);
    assert.deepEqual(
      results.tests.map((t) => [t.name, t.score, t.max_score, t.status]),
      [
        ['arithmetic', 2, 3, 'failed'],
        ['c-checks', 1, 2, 'failed'],
        ['warning-only', 1, 1, 'passed'],
        ['shell', 2, 2, 'passed'],
        ['crashes', 0, 2, 'failed'],
      ],
    );
    assert.equal(results.score, 6);
    // Gradescope's whole format.
    assert.deepEqual(Object.keys(results).sort(), ['execution_time', 'output', 'score', 'stdout_visibility', 'tests']);
    assert.equal((results as unknown as { stdout_visibility: string }).stdout_visibility, 'hidden');
    for (const [i, test] of results.tests.entries()) {
      assert.deepEqual(Object.keys(test).sort(), ['max_score', 'name', 'number', 'output', 'score', 'status', 'tags', 'visibility'], test.name);
      const full = test as unknown as { number: string; visibility: string; tags: string[] };
      assert.equal(full.number, String(i + 1));
      assert.equal(full.visibility, test.name === 'warning-only' ? 'after_published' : 'visible');
      assert.deepEqual(full.tags, test.name === 'warning-only' ? ['c', 'warnings'] : []);
    }
    assert.match(results.output, /partial: 4 cells ok, 1 failed, 0 not run, score 6\/10/);
    const output = (name: string) => results.tests.find((t) => t.name === name)?.output ?? '';
    assert.match(output('arithmetic'), /^score 2\/3 \(2 of 3 checks passed\)\n✔ adds \(1\/1\): one plus one\n✔ multiplies \(1\/1\)\n✘ divides \(0\/1\): expected 3, got 3\.5\n/);
    assert.match(output('c-checks'), /✘ reply \(0\/1\): expected "HELLO", got "hello"/);
    assert.match(output('warning-only'), /warning: unused variable/, 'the gcc warning is in the output, and the cell kept its point');
    assert.match(output('shell'), /a note on stderr/);
    assert.match(output('crashes'), /^score 0\/2: the cell ended in Error\n✔ before \(2\/2\): fine so far/);

    const [suite] = (await parseJunit(junitFile)).suites;
    const check = (name: string) => suite.cases.find((c) => c.name === name);
    assert.equal(suite.tests, 5 + 3 + 2 + 1 + 1);
    assert.equal(check('adds')?.failure, null);
    assert.equal(check('divides')?.failure, 'CheckFailed');
    assert.match(check('divides')?.failureText ?? '', /0\/1 points: expected 3, got 3\.5/);
    assert.match(check('reply')?.failureText ?? '', /expected "HELLO", got "hello"/);
    assert.equal(suite.failures, 1 + 2, 'the crashed cell and the two failed checks');

    type Saved = { cells: { metadata: { sockbook?: { grade?: { score: number; max_score: number; checks: { name: string; passed: boolean; message: string }[] } } }; outputs: { output_type: string; data?: Record<string, string[]>; metadata?: Record<string, unknown> }[] }[] };
    const nb = readJson<Saved>(out);
    assert.deepEqual(
      nb.cells.map((c) => [c.metadata.sockbook?.grade?.score, c.metadata.sockbook?.grade?.max_score]),
      [[2, 3], [1, 2], [1, 1], [2, 2], [0, 2]],
    );
    assert.deepEqual(nb.cells[0].metadata.sockbook?.grade?.checks.map((c) => [c.name, c.passed]), [['adds', true], ['multiplies', true], ['divides', false]]);
    const shownScore = (i: number) =>
      nb.cells[i].outputs.filter((o) => (o.metadata?.sockbook as { annotation?: string } | undefined)?.annotation === 'score').map((o) => (o.data?.['text/plain'] ?? []).join(''));
    assert.deepEqual(shownScore(0), ['score 2/3 (2 of 3 checks passed)'], 'the notebook shows the score under the cell');
    const validate = await runCommand(PYTHON, ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))', out]);
    assert.equal(validate.code, 0, validate.stderr);
  });

  it('runs an instructor\'s hidden tests (--tests): they replace the student\'s test cells, come back where deleted, and the answers are the student\'s', async () => {
    const dir = path.join(scratch, 'hidden');
    mkdirSync(dir, { recursive: true });
    const cell = (id: string, source: string, nbgrader?: Record<string, unknown>, type = 'code') => ({
      cell_type: type,
      id,
      metadata: nbgrader ? { nbgrader: { schema_version: 3, ...nbgrader } } : {},
      source,
      ...(type === 'code' ? { outputs: [], execution_count: null } : {}),
    });
    const answer = (source: string) => cell('answer', source, { grade: false, solution: true, grade_id: 'answer', locked: false });
    const notebook = (cells: unknown[]) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }, null, 1);
    const instructor = path.join(scratch, 'hidden-source', 'hw.ipynb');
    mkdirSync(path.dirname(instructor), { recursive: true });
    writeFileSync(
      instructor,
      notebook([
        cell('intro', '# Arithmetic', undefined, 'markdown'),
        answer("function add(a: number, b: number): number { throw new Error('write add'); }\nfunction mul(a: number, b: number): number { throw new Error('write mul'); }"),
        cell('t-add', "// hidden test: add\ngrade.check('add', add(2, 3) === 5, 2, `add(2, 3) gave ${add(2, 3)}`);", { grade: true, solution: false, grade_id: 'test-add', points: 2, locked: true }),
        cell('between', 'Now multiply.', undefined, 'markdown'),
        cell('t-mul', "// hidden test: mul\ngrade.check('mul', mul(2, 3) === 6, 1, `mul(2, 3) gave ${mul(2, 3)}, expected 6`);", { grade: true, solution: false, grade_id: 'test-mul', points: 1, locked: true }),
      ]),
    );
    const student = path.join(dir, 'hw.ipynb');
    const studentText = notebook([
      cell('intro', '# Arithmetic', undefined, 'markdown'),
      answer('function add(a: number, b: number): number { return a + b; }\nfunction mul(a: number, b: number): number { return a + b; }'),
      // The student's copy of the visible test, edited to pass, with more points.
      cell('t-add', "grade.check('add', true, 50, 'trust me')", { grade: true, solution: false, grade_id: 'test-add', points: 50, locked: true }),
      cell('between', 'Now multiply.', undefined, 'markdown'),
      // test-mul deleted; a graded cell of the student's own added.
      cell('bonus', "console.log('bonus points?')", { grade: true, solution: false, grade_id: 'bonus', points: 10 }),
    ]);
    writeFileSync(student, studentText);
    const out = path.join(dir, 'graded.ipynb');
    const resultsFile = path.join(dir, 'results.json');
    const { code, stdout, stderr } = await runCommand(
      process.execPath,
      [sockbook, 'run', student, '--tests', instructor, '-o', out, '--results', resultsFile],
      { env: env(), cwd: scratch, timeoutMs: 300000 },
    );
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stderr, /hidden tests from .*hw\.ipynb: 1 replaced \(test-add\), 1 added \(test-mul\)/);
    assert.match(stderr, /not graded \(the tests do not grade them\): bonus/);
    assert.equal(readFileSync(student, 'utf8'), studentText, 'the submission is untouched');
    const results = readJson<GradescopeResults>(resultsFile);
    assert.deepEqual(
      results.tests.map((t) => [t.name, t.score, t.max_score]),
      [
        ['test-add', 2, 2],
        ['test-mul', 0, 1],
      ],
      'graded by the instructor\'s tests, for the instructor\'s points; the student\'s own graded cell is not graded',
    );
    assert.match(results.tests[1].output ?? "", /mul\(2, 3\) gave 5, expected 6/);
    const nb = readJson<{ cells: { id: string; source: string[] }[] }>(out);
    assert.deepEqual(nb.cells.map((c) => c.id), ['intro', 'answer', 't-add', 'between', 't-mul', 'bonus'], 'the deleted test is back after the cell before it');
    assert.match(nb.cells[1].source.join(''), /return a \+ b/, "the student's answer is kept");
    assert.match(nb.cells[2].source.join(''), /hidden test: add/, "the instructor's test replaced the student's");

    // Tests that cannot be read: nothing runs, and the results say whose fault it is.
    const missing = await runCommand(process.execPath, [sockbook, 'run', student, '--tests', path.join(dir, 'missing.ipynb'), '-o', out, '--results', resultsFile], { env: env(), cwd: scratch });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(readJson<GradescopeResults & { output: string }>(resultsFile).output, /the tests \(--tests\) cannot be used: .*missing\.ipynb: no such file/);
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
