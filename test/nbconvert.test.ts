import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JupyterEnv, nbconvertExecute } from './support/jupyter-env';

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
