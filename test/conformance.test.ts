import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { JupyterEnv, PYTHON, runCommand } from './support/jupyter-env';

describe("Jupyter's conformance suite (jupyter_kernel_test)", function () {
  this.timeout(240000);
  let jupyter: JupyterEnv;

  before(async () => {
    jupyter = await JupyterEnv.create();
  });
  after(() => jupyter?.cleanup());

  it('passes all 12 tests with none skipped', async () => {
    const { code, stdout, stderr } = await runCommand(PYTHON, ['-m', 'unittest', '-v', 'test_sockbook'], {
      env: jupyter.env,
      cwd: path.join(projectRoot, 'test', 'conformance'),
      timeoutMs: 200000,
    });
    const output = stdout + stderr;
    const ran = /Ran (\d+) tests?/.exec(output);
    assert.ok(ran, `unittest printed no summary:\n${output}`);
    assert.equal(code, 0, output);
    assert.equal(Number(ran[1]), 12, output);
    assert.doesNotMatch(output, /skipped/i, output);
    assert.match(output, /\nOK\s*$/, output);
  });
});
