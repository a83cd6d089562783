// sockbook gradescope: the autograder bundle, unpacked into an
// /autograder-shaped temporary directory and run as Gradescope runs it, on a
// good submission, a bad one and a submission without a notebook.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { runCommand } from './support/jupyter-env';

const sockbook = path.join(projectRoot, 'bin', 'sockbook.js');

type Cell = { cell_type: string; id: string; metadata: Record<string, unknown>; source: string; outputs?: unknown[]; execution_count?: null };
const code = (id: string, source: string, nbgrader?: Record<string, unknown>): Cell => ({
  cell_type: 'code',
  id,
  metadata: nbgrader ? { nbgrader: { schema_version: 3, ...nbgrader } } : {},
  source,
  outputs: [],
  execution_count: null,
});
const notebook = (cells: Cell[]) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }, null, 1);

/** The exercise: an echo program in C (the student's answer) and two hidden tests. */
function exercise(answer: string, tests: [Cell, Cell]): string {
  return notebook([
    { cell_type: 'markdown', id: 'intro', metadata: {}, source: '# Shout\nWrite `shout.c`: it prints its argument in upper case.' },
    code('answer', `%%cpp shout.c\n%run gcc -Wall shout.c -o shout.exe\n${answer}`, { grade: false, solution: true, grade_id: 'answer' }),
    ...tests,
  ]);
}

const HIDDEN: [Cell, Cell] = [
  code('t-runs', "// hidden: it runs\nconst status = await sh('./shout.exe hello > out.txt');\ngrade.check('runs', status === 0, 1, `exit status ${status}`);", { grade: true, solution: false, grade_id: 'runs', points: 1 }),
  code(
    't-shouts',
    "// hidden: it shouts\nimport { readFileSync } from 'node:fs';\nconst got = readFileSync('out.txt', 'utf8');\ngrade.check('upper', got === 'HELLO\\n', 2, `expected \"HELLO\\\\n\", got ${JSON.stringify(got)}`);",
    { grade: true, solution: false, grade_id: 'shouts', points: 2 },
  ),
];

const GOOD = '#include <ctype.h>\n#include <stdio.h>\nint main(int argc, char **argv) {\n  for (char *p = argv[1]; *p; p++) putchar(toupper((unsigned char)*p));\n  putchar(\'\\n\');\n  return 0;\n}\n';
const BAD = '#include <stdio.h>\nint main(int argc, char **argv) {\n  puts(argv[1]);\n  return 0;\n}\n';

interface Results {
  score: number;
  execution_time: number;
  output: string;
  stdout_visibility: string;
  tests: { name: string; number: string; score: number; max_score: number; status: string; output: string; visibility: string; tags: string[] }[];
}

describe('sockbook gradescope: the autograder bundle', function () {
  this.timeout(300000);
  let scratch: string;
  let zip: string;
  let root: string;

  before(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'sockbook-gradescope-'));
    const instructor = path.join(scratch, 'instructor', 'shout.ipynb');
    mkdirSync(path.dirname(instructor));
    // The instructor's own answer; the students get the notebook with the tests' visible versions.
    writeFileSync(instructor, exercise(GOOD, HIDDEN));
    zip = path.join(scratch, 'autograder.zip');
    const made = await runCommand(process.execPath, [sockbook, 'gradescope', instructor, '-o', zip, '--cell-timeout', '20'], { cwd: scratch });
    assert.equal(made.code, 0, made.stdout + made.stderr);
    assert.match(made.stdout, /wrote .*autograder\.zip: .*\(2 hidden test cell\(s\)\)/);
    // Gradescope unpacks the zip into /autograder/source.
    root = path.join(scratch, 'autograder');
    mkdirSync(path.join(root, 'source'), { recursive: true });
    const unzip = await runCommand('unzip', ['-q', zip, '-d', path.join(root, 'source')]);
    assert.equal(unzip.code, 0, `unzip refused the bundle: ${unzip.stderr}`);
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('is a zip unzip lists, with setup.sh and run_autograder executable at its top, the tests and sockbook\'s source', async () => {
    const list = await runCommand('unzip', ['-l', zip]);
    assert.equal(list.code, 0, list.stderr);
    const names = list.stdout.split('\n').map((line) => line.trim().split(/\s+/).slice(3).join(' ')).filter(Boolean);
    for (const name of ['setup.sh', 'run_autograder', 'tests/shout.ipynb', 'sockbook/package.json', 'sockbook/package-lock.json', 'sockbook/bin/sockbook.js', 'sockbook/kernel/cli/main.ts', 'sockbook/native/build.js']) {
      assert.ok(names.includes(name), `${name} is in the zip`);
    }
    assert.deepEqual(names.filter((n) => /(^|\/)(node_modules|build)\//.test(n)), [], 'nothing installed or built is packed');
    const source = path.join(root, 'source');
    for (const script of ['setup.sh', 'run_autograder']) {
      const syntax = await runCommand('bash', ['-n', path.join(source, script)]);
      assert.equal(syntax.code, 0, `${script}: ${syntax.stderr}`);
      assert.equal(statSync(path.join(source, script)).mode & 0o111, 0o111, `${script} is executable`);
    }
    const setup = readFileSync(path.join(source, 'setup.sh'), 'utf8');
    assert.match(setup, /apt-get install -y [^\n]*build-essential/, 'setup.sh installs gcc');
    assert.match(setup, /setup_20\.x[\s\S]*apt-get install -y nodejs/, 'setup.sh installs Node 20 when the image lacks it');
    assert.match(setup, /npm ci/, 'setup.sh builds sockbook from the packed source');
    assert.equal(readFileSync(path.join(source, 'sockbook', 'kernel', 'cli', 'main.ts'), 'utf8'), readFileSync(path.join(projectRoot, 'kernel', 'cli', 'main.ts'), 'utf8'));
  });

  /** Runs run_autograder on one submission, as Gradescope does: a fresh submission/ and results/. */
  async function grade(files: Record<string, string>, installed = true): Promise<{ results: Results; stdout: string; stderr: string; resultsDir: string }> {
    rmSync(path.join(root, 'submission'), { recursive: true, force: true });
    rmSync(path.join(root, 'results'), { recursive: true, force: true });
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, 'submission', name)), { recursive: true });
      writeFileSync(path.join(root, 'submission', name), text);
    }
    // The installed sockbook stands in for the one setup.sh would build (SOCKBOOK_BIN); node is on PATH as setup.sh leaves it.
    const { SOCKBOOK_BIN: _unset, ...inherited } = process.env;
    void _unset;
    const env = {
      ...inherited,
      SOCKBOOK_AUTOGRADER_ROOT: root,
      ...(installed ? { SOCKBOOK_BIN: sockbook } : {}),
      PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      SOCKBOOK_CACHE_DIR: path.join(scratch, 'cache'),
    };
    const run = await runCommand('bash', [path.join(root, 'source', 'run_autograder')], { env, cwd: scratch, timeoutMs: 240000 });
    assert.equal(run.code, 0, `run_autograder exits 0 whatever the grade\n${run.stdout}\n${run.stderr}`);
    const resultsDir = path.join(root, 'results');
    return { results: JSON.parse(readFileSync(path.join(resultsDir, 'results.json'), 'utf8')) as Results, stdout: run.stdout, stderr: run.stderr, resultsDir };
  }

  // What the students got: the tests' visible versions, which a student may edit to pass.
  const released = (answer: string) =>
    exercise(answer, [
      code('t-runs', "grade.check('runs', true, 1, 'looks fine')", { grade: true, solution: false, grade_id: 'runs', points: 1 }),
      code('t-shouts', "grade.check('upper', true, 100, 'trust me')", { grade: true, solution: false, grade_id: 'shouts', points: 100 }),
    ]);

  it('grades a good submission 3/3 with the hidden tests, in Gradescope\'s format', async () => {
    const { results, resultsDir } = await grade({ 'shout.ipynb': released(GOOD) });
    assert.equal(results.score, 3);
    assert.equal(results.stdout_visibility, 'hidden');
    assert.equal(typeof results.execution_time, 'number');
    assert.deepEqual(
      results.tests.map((t) => [t.number, t.name, t.score, t.max_score, t.status, t.visibility]),
      [
        ['1', 'runs', 1, 1, 'passed', 'visible'],
        ['2', 'shouts', 2, 2, 'passed', 'visible'],
      ],
    );
    assert.match(results.tests[1].output, /✔ upper \(2\/2\)/);
    assert.ok(existsSync(path.join(resultsDir, 'graded.ipynb')), 'the graded notebook is kept');
  });

  it("grades a bad submission 1/3, saying what was expected, whatever the student's copy of the tests says", async () => {
    // Submitted under another name: the only notebook is taken.
    const { results } = await grade({ 'my work/shout-final.ipynb': released(BAD) });
    assert.equal(results.score, 1);
    assert.deepEqual(results.tests.map((t) => [t.name, t.score, t.max_score, t.status]), [
      ['runs', 1, 1, 'passed'],
      ['shouts', 0, 2, 'failed'],
    ]);
    assert.match(results.tests[1].output, /✘ upper \(0\/2\): expected "HELLO\\n", got "hello\\n"/);
  });

  it("grades with the sockbook packed in the zip, built as setup.sh builds it (its npm packages taken from this install)", async function () {
    this.timeout(600000);
    const packed = path.join(root, 'source', 'sockbook');
    // setup.sh's `npm ci` fetches these; the test lends the installed ones instead of reaching the registry.
    symlinkSync(path.join(projectRoot, 'node_modules'), path.join(packed, 'node_modules'));
    const build = await runCommand('npm', ['run', 'build'], { cwd: packed, timeoutMs: 500000 });
    assert.equal(build.code, 0, `the packed source builds: ${build.stdout}\n${build.stderr}`);
    const { results } = await grade({ 'shout.ipynb': released(GOOD) }, false);
    assert.equal(results.score, 3, JSON.stringify(results, null, 2));
  });

  it('says so in results.json when no notebook was submitted', async () => {
    const { results } = await grade({ 'shout.c': GOOD });
    assert.equal(results.score, 0);
    assert.deepEqual(results.tests, []);
    assert.match(results.output, /No notebook \(\.ipynb\) was submitted: submit shout\.ipynb/);
  });
});
