import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { projectRoot } from '../kernel/paths';
import * as os from 'node:os';
import * as path from 'node:path';
import { JupyterEnv, nbconvertExecute, SavedCell } from './support/jupyter-env';

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

  it('notebooks/typescript.ipynb ships with its outputs saved', () => {
    const saved = JSON.parse(readFileSync(path.join(projectRoot, 'notebooks', 'typescript.ipynb'), 'utf8')) as { cells: SavedCell[] };
    const code = saved.cells.filter((c) => c.cell_type === 'code');
    assert.ok(code.every((c) => (c.outputs ?? []).length > 0));
    assert.match(JSON.stringify(code[1].outputs), /HELLO FROM TYPESCRIPT!/);
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
