import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { JupyterEnv, nbconvertExecute, PYTHON, runCommand, SavedCell } from './support/jupyter-env';

/** What the sockets lesson must show, whoever runs it. */
function assertLessonOutputs(cells: SavedCell[]): void {
  const code = cells.filter((c) => c.cell_type === 'code');
  const all = JSON.stringify(code.map((c) => c.outputs));
  assert.doesNotMatch(all, /"output_type":"error"/, 'no cell ends in error');
  const expected = [
    /Run: `gcc[^`]*socketpair.cpp -o socketpair.exe`/,
    /Read 1000 bytes/,
    /server: read 1000 bytes/, // AF_UNIX and AF_INET
    /closing the connection to ::1/, // AF_INET6
    /EAI_NONAME: Name or service not known/, // getaddrinfo failure path
    /server: got \\"LastHello\\" from 127.0.0.1/, // UDP
    /OK: the server stopped cleanly on SIGTERM/,
    /OK: the server stopped cleanly on SIGINT/,
  ];
  for (const pattern of expected) assert.match(all, pattern);
}

describe('notebooks/sockets.ipynb (the course lesson)', function () {
  this.timeout(300000);
  let jupyter: JupyterEnv;
  let dir: string;

  before(async () => {
    jupyter = await JupyterEnv.create();
    dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-sockets-'));
  });
  after(() => {
    jupyter?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships with its outputs saved', () => {
    const cells = (JSON.parse(readFileSync(path.join(projectRoot, 'notebooks', 'sockets.ipynb'), 'utf8')) as { cells: SavedCell[] }).cells;
    for (const cell of cells.filter((c) => c.cell_type === 'code')) assert.ok((cell.outputs ?? []).length > 0, 'every code cell has its outputs');
    assertLessonOutputs(cells);
  });

  it('executes headless with sockbook run and writes a valid notebook', async () => {
    const source = path.join(dir, 'sockets.ipynb');
    copyFileSync(path.join(projectRoot, 'notebooks', 'sockets.ipynb'), source);
    const out = path.join(dir, 'run-out.ipynb');
    const started = Date.now();
    const { code, stdout, stderr } = await runCommand(process.execPath, [path.join(projectRoot, 'bin', 'sockbook.js'), 'run', source, '-o', out, '--strict'], { cwd: dir, timeoutMs: 120000 });
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /In \[1\]: %%cpp socketpair.cpp/);
    assert.match(stdout, /Read 1000 bytes/);
    console.log(`      sockbook run: ${Date.now() - started} ms`);
    const validate = await runCommand(PYTHON, ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))', out]);
    assert.equal(validate.code, 0, validate.stderr);
    assertLessonOutputs((JSON.parse(readFileSync(out, 'utf8')) as { cells: SavedCell[] }).cells);
  });

  it('executes headless with jupyter nbconvert --execute', async () => {
    assertLessonOutputs(await nbconvertExecute(jupyter, 'sockets.ipynb', dir));
  });
});
