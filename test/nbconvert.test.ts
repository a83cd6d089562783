import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { JupyterEnv, runCommand } from './support/jupyter-env';

interface SavedCell {
  cell_type: string;
  outputs?: { output_type: string; name?: string; text?: string[]; data?: Record<string, unknown> }[];
}

export async function nbconvertExecute(jupyter: JupyterEnv, name: string, dir: string): Promise<SavedCell[]> {
  copyFileSync(path.join(projectRoot, 'notebooks', name), path.join(dir, name));
  const { code, stdout, stderr } = await runCommand(
    'jupyter',
    ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=120', '--output', `executed-${name}`, name],
    { env: jupyter.env, cwd: dir, timeoutMs: 300000 },
  );
  assert.equal(code, 0, stdout + stderr);
  return (JSON.parse(readFileSync(path.join(dir, `executed-${name}`), 'utf8')) as { cells: SavedCell[] }).cells;
}

describe('jupyter nbconvert --execute', function () {
  this.timeout(300000);
  let jupyter: JupyterEnv;
  let dir: string;

  before(async () => {
    jupyter = await JupyterEnv.create();
    dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-nbconvert-'));
  });
  after(() => {
    jupyter?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('executes notebooks/typescript.ipynb with the outputs a reader expects', async () => {
    const cells = (await nbconvertExecute(jupyter, 'typescript.ipynb', dir)).filter((c) => c.cell_type === 'code');
    const text = (i: number) => JSON.stringify(cells[i].outputs);
    assert.match(text(0), /hello from TypeScript/);
    assert.match(text(1), /HELLO FROM TYPESCRIPT!/);
    assert.match(text(2), /tick 1.*tick 3/s);
    assert.match(text(3), /text\/html/);
    assert.match(text(3), /progress: 100%/);
    assert.match(text(4), /caught: SyntaxError/);
  });
});
