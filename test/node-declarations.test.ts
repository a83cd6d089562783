import * as assert from 'node:assert/strict';
import { builtinDeclarations } from '../kernel/executor/child/builtins-dts';
import { NotebookLanguage } from '../kernel/executor/child/language-service';

describe('type checks with only the Node declarations cells need', function () {
  this.timeout(120000);
  const language = new NotebookLanguage(builtinDeclarations(undefined));

  it('knows the globals and what process.stdout is, with no import', () => {
    const code = "process.stdout.write('x');\nBuffer.from('a').toString('hex');\nsetTimeout(() => 1, 1);\nconsole.log(process.argv.length);";
    assert.deepEqual(language.diagnostics(code, 'cell[1]'), []);
    const completion = language.complete('process.stdout.wri', 18);
    assert.ok(completion.matches.includes('write'), completion.matches.join(' '));
  });

  it('loads a module when a cell imports it, with the types its functions return', () => {
    const code = "import * as fs from 'node:fs';\nconst size: string = fs.statSync('.').size;\nfs.createReadStream('x').pipe(process.stdout);";
    assert.deepEqual(language.diagnostics(code, 'cell[2]'), ["cell[2]:2:7 - error TS2322: Type 'number' is not assignable to type 'string'."]);
  });

  it('keeps a module an earlier cell imported for the cells after it', () => {
    language.addCell("import { readFileSync } from 'node:fs';");
    assert.deepEqual(language.diagnostics("const text: string = readFileSync('x', 'utf8');", 'cell[3]'), []);
  });

  it('loads the module behind a global a cell names', () => {
    assert.deepEqual(language.diagnostics('const started: string = performance.now();', 'cell[4]'), [
      "cell[4]:1:7 - error TS2322: Type 'number' is not assignable to type 'string'.",
    ]);
  });

  it('finds modules declared only under their node: name', () => {
    assert.deepEqual(language.diagnostics("import { test } from 'node:test';\nvoid test;", 'cell[5]'), []);
  });
});
