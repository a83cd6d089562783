import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { JupyterEnv, PYTHON, runCommand } from './support/jupyter-env';

const sockbook = path.join(projectRoot, 'bin', 'sockbook.js');

describe('command line', function () {
  this.timeout(180000);
  let jupyter: JupyterEnv;
  let scratch: string;

  before(async () => {
    jupyter = await JupyterEnv.create();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'sockbook-cli-'));
  });
  after(() => {
    jupyter?.cleanup();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('install --prefix writes a kernelspec that jupyter kernelspec list shows', async () => {
    const prefix = path.join(scratch, 'prefix');
    const { code, stdout } = await runCommand(process.execPath, [sockbook, 'install', '--prefix', prefix]);
    assert.equal(code, 0);
    const specFile = path.join(prefix, 'share', 'jupyter', 'kernels', 'sockbook', 'kernel.json');
    assert.match(stdout, /installed kernelspec sockbook/);
    const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { argv: string[]; interrupt_mode: string; language: string };
    assert.equal(spec.interrupt_mode, 'message');
    assert.equal(spec.language, 'typescript');
    assert.deepEqual(spec.argv.slice(2), ['kernel', '-f', '{connection_file}']);
    const list = await runCommand('jupyter', ['kernelspec', 'list', '--json'], {
      env: { ...jupyter.env, JUPYTER_PATH: path.join(prefix, 'share', 'jupyter') },
    });
    const specs = (JSON.parse(list.stdout) as { kernelspecs: Record<string, { resource_dir: string }> }).kernelspecs;
    assert.equal(specs.sockbook?.resource_dir, path.dirname(specFile));
  });

  it('install --user honours JUPYTER_DATA_DIR', async () => {
    const data = path.join(scratch, 'user-data');
    const { code } = await runCommand(process.execPath, [sockbook, 'install', '--user'], { env: { ...process.env, JUPYTER_DATA_DIR: data } });
    assert.equal(code, 0);
    assert.ok(readFileSync(path.join(data, 'kernels', 'sockbook', 'kernel.json'), 'utf8').includes('interrupt_mode'));
  });

  it('jupyter console --kernel sockbook runs a cell', async () => {
    const { stdout, stderr } = await runCommand(
      'jupyter',
      ['console', '--kernel', 'sockbook', '--simple-prompt', '--ZMQTerminalInteractiveShell.include_other_output=False'],
      { env: jupyter.env, input: 'console.log(6 * 7)\nexit\n', timeoutMs: 60000 },
    );
    assert.match(stdout, /42/, stdout + stderr);
  });

  it('sockbook run executes a notebook, prints outputs and writes a valid nbformat 4.5 file', async () => {
    const notebook = path.join(scratch, 'typescript.ipynb');
    copyFileSync(path.join(projectRoot, 'notebooks', 'typescript.ipynb'), notebook);
    const out = path.join(scratch, 'out.ipynb');
    const { code, stdout, stderr } = await runCommand(process.execPath, [sockbook, 'run', notebook, '-o', out], { cwd: scratch });
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /hello from TypeScript/);
    assert.match(stdout, /HELLO FROM TYPESCRIPT!/);
    const validate = await runCommand(PYTHON, ['-c', 'import nbformat,sys; nb=nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print(nb.nbformat, nb.nbformat_minor)', out]);
    assert.equal(validate.code, 0, validate.stderr);
    assert.equal(validate.stdout.trim(), '4 5');
    const nb = JSON.parse(readFileSync(out, 'utf8')) as { cells: { cell_type: string; outputs?: { output_type: string; data?: Record<string, unknown> }[] }[] };
    const code2 = nb.cells.filter((c) => c.cell_type === 'code');
    assert.equal(code2[1].outputs?.[0].output_type, 'execute_result');
    const progress = code2[3].outputs?.find((o) => JSON.stringify(o.data ?? {}).includes('progress'));
    assert.match(JSON.stringify(progress?.data), /progress: 100%/, 'the display was updated in place');
  });

  it('sockbook run exits non-zero when a cell fails and stops there', async () => {
    const notebook = path.join(scratch, 'failing.ipynb');
    const cell = (id: string, source: string) => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });
    const nb = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell('a', 'throw new TypeError("bad")'), cell('b', 'console.log("after")')] };
    require('node:fs').writeFileSync(notebook, JSON.stringify(nb));
    const { code, stdout } = await runCommand(process.execPath, [sockbook, 'run', notebook], { cwd: scratch });
    assert.equal(code, 1);
    assert.match(stdout, /TypeError/);
    assert.doesNotMatch(stdout, /after/);
    const written = JSON.parse(readFileSync(notebook, 'utf8')) as { cells: { outputs: { output_type: string; ename?: string }[] }[] };
    assert.equal(written.cells[0].outputs[0].ename, 'TypeError');
  });
});
