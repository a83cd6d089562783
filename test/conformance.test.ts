import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { installKernelspec } from '../kernel/cli/install-command';

const PYTHON = '/usr/bin/python3';

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe("Jupyter's conformance suite (jupyter_kernel_test)", function () {
  this.timeout(240000);
  let prefix: string;

  before(() => {
    prefix = mkdtempSync(path.join(os.tmpdir(), 'sockbook-conformance-'));
  });
  after(() => {
    rmSync(prefix, { recursive: true, force: true });
  });

  it('passes all 12 tests with none skipped', async () => {
    await installKernelspec({ kind: 'prefix', prefix });
    const env = {
      ...process.env,
      JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'),
      JUPYTER_RUNTIME_DIR: path.join(prefix, 'runtime'),
      PYTHONDONTWRITEBYTECODE: '1',
    };
    const { code, output } = await run(PYTHON, ['-m', 'unittest', '-v', 'test_sockbook'], env, path.join(projectRoot, 'test', 'conformance'));
    const ran = /Ran (\d+) tests?/.exec(output);
    assert.ok(ran, `unittest printed no summary:\n${output}`);
    assert.equal(code, 0, output);
    assert.equal(Number(ran[1]), 12, output);
    assert.doesNotMatch(output, /skipped/i, output);
    assert.match(output, /\nOK\s*$/, output);
  });
});
