import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
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
    // sockbook-listen takes the ports, then runs Node with the kernel.
    assert.match(spec.argv[0], /\/sockbook-listen$/);
    assert.deepEqual(spec.argv.slice(1, 4), ['{connection_file}', '--', process.execPath]);
    assert.deepEqual(spec.argv.slice(-3), ['kernel', '-f', '{connection_file}']);
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

  const codeCell = (id: string, source: unknown) => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });

  it('sockbook run refuses a malformed notebook before any cell runs, with exit 2, and leaves it as it was', async () => {
    const dir = mkdtempSync(path.join(scratch, 'malformed-'));
    // The first cell would leave ran.txt behind if anything ran (by its absolute path: a run works in a copy of the folder).
    const first = codeCell('a', `!touch '${path.join(dir, 'ran.txt')}'`);
    const cases: [string, string, RegExp][] = [
      ['not-json', '{"nbformat": 4, "cells": [', /not JSON/],
      ['nbformat-3', JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [] }), /not an nbformat 4 notebook \(nbformat is number 3\)/],
      ['no-cells', JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {} }), /no list of cells/],
      ['null-source', JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [first, codeCell('b', null)] }), /cell 2: source must be a string or a list of strings, not null/],
      ['number-lines', JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [first, codeCell('b', ['x', 3])] }), /cell 2: source must be/],
      ['bad-type', JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [first, { cell_type: 'python', source: '' }] }), /cell 2 has cell_type string "python"/],
      ['bad-outputs', JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [first, { ...codeCell('b', 'x'), outputs: {} }] }), /cell 2: outputs must be a list/],
    ];
    for (const [name, text, why] of cases) {
      const notebook = path.join(dir, `${name}.ipynb`);
      writeFileSync(notebook, text);
      const { code, stdout, stderr } = await runCommand(process.execPath, [sockbook, 'run', notebook, '--results', path.join(dir, `${name}.json`)], { cwd: dir });
      assert.equal(code, 2, `${name}: ${stdout}${stderr}`);
      assert.match(stderr, why, name);
      assert.match(stderr, /nothing was run/);
      assert.equal(readFileSync(notebook, 'utf8'), text, `${name}: the input is untouched`);
      assert.equal(existsSync(path.join(dir, 'ran.txt')), false, `${name}: no cell ran`);
      const results = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as { score: number; output: string };
      assert.equal(results.score, 0, 'a grader still gets a results.json');
      assert.match(results.output, why);
    }
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left');
  });

  it('sockbook run: usage errors exit 2, and --help lists every option and exit status', async () => {
    const notebook = path.join(scratch, 'usage.ipynb');
    writeFileSync(notebook, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [codeCell('a', `!touch '${path.join(scratch, 'usage-ran.txt')}'`)] }));
    const usage: [string[], RegExp][] = [
      [[], /which notebook\?/],
      [[notebook, notebook], /several notebooks need --out-dir DIR/],
      [[notebook, '--jobs', '2'], /--jobs needs --out-dir/],
      [[notebook, '--out-dir', scratch, '--jobs', '0'], /--jobs takes a whole number/],
      [[notebook, '--cell-timeout', 'soon'], /--cell-timeout takes a number of seconds/],
      [[notebook, '--isolate', 'disk'], /unknown isolation 'disk'/],
      [[notebook, '-p', 'PORT'], /-p PORT needs a VALUE/],
      [[notebook, '-p', '2x', '1'], /a parameter name is letters, digits and _/],
      [[notebook, '--junit'], /--junit.*argument missing|--junit needs a file name/],
      [[notebook, '--out-dir', scratch, '--junit=x.xml'], /--junit takes no file name with --out-dir/],
      [[notebook, '--frobnicate'], /Unknown option '--frobnicate'/],
    ];
    for (const [args, why] of usage) {
      const { code, stderr } = await runCommand(process.execPath, [sockbook, 'run', ...args], { cwd: scratch });
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, why, args.join(' '));
    }
    assert.equal(existsSync(path.join(scratch, 'usage-ran.txt')), false);
    const help = await runCommand(process.execPath, [sockbook, 'run', '--help']);
    assert.equal(help.code, 0);
    for (const option of ['--output', '--out-dir', '--jobs', '--name', '--junit', '--results', '--cell-timeout', '--timeout', '--parameter', '--isolate', '--strict', '--allow-errors', '--quiet', '--progress-ipc', '--help']) {
      assert.ok(help.stdout.includes(option), `--help lists ${option}`);
    }
    for (const status of ['0', '1', '2', '3', '4']) assert.match(help.stdout, new RegExp(`^  ${status}  `, 'm'));
  });

  it('sockbook run --quiet prints only errors and the summary', async () => {
    const notebook = path.join(scratch, 'quiet.ipynb');
    writeFileSync(notebook, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [codeCell('a', '!echo chatty'), codeCell('b', '%%bash\nexit 3')] }));
    const { code, stdout, stderr } = await runCommand(process.execPath, [sockbook, 'run', notebook, '--quiet', '--strict'], { cwd: scratch });
    assert.equal(code, 1, stdout + stderr);
    assert.doesNotMatch(stdout, /chatty/);
    assert.match(stderr, /quiet: cell 2 \(%%bash\): CommandFailed/);
    assert.match(stdout, /cell error: 1 cells ok, 1 failed, 0 not run/);
  });
});
