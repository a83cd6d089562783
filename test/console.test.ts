import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JupyterEnv } from './support/jupyter-env';
import { TmuxSession } from './support/tmux-session';

const count = (text: string, part: string) => text.split(part).length - 1;
const continuationPrompts = (screen: string) => (screen.match(/^\s*\.\.\.:/gm) ?? []).length;

describe('jupyter console --kernel sockbook, typed into a terminal', function () {
  this.timeout(120000);
  let jupyter: JupyterEnv | undefined;
  let dir: string | undefined;
  let terminal: TmuxSession | undefined;

  before(async () => {
    jupyter = await JupyterEnv.create();
    dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-console-'));
    // Debian ships /usr/bin/jupyter; the first python3 on PATH may have no Jupyter.
    terminal = await TmuxSession.start('exec /usr/bin/jupyter console --kernel sockbook --no-confirm-exit', {
      env: jupyter.env,
      cwd: dir,
    });
    await terminal.waitFor('the first prompt', (screen) => /In \[1\]:$/m.test(screen), 60000);
  });

  after(async () => {
    try {
      if (terminal && (await terminal.running())) {
        // Ctrl-D lets the console shut its kernel down; kill() is the fallback.
        await terminal.press('C-d');
        const deadline = Date.now() + 10000;
        while ((await terminal.running()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await terminal?.kill();
      jupyter?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a %%cpp cell line by line and runs it once, at the blank line', async () => {
    const t = terminal!;
    const cell = [
      '%%cpp sum.c',
      '%run gcc sum.c -o sum.exe',
      '%run ./sum.exe',
      '#include <stdio.h>',
      'int main() {',
      '    printf("sum is %d\\n", 40 + 2);',
      '    return 0;',
      '}',
    ];
    for (const [n, line] of cell.entries()) {
      await t.type(line);
      await t.press('Enter');
      // Each Enter opens a continuation line instead of running the cell.
      await t.waitFor(`${n + 1} continuation prompts after ${JSON.stringify(line)}`, (screen) => continuationPrompts(screen) === n + 1);
    }
    await t.press('Enter');
    const screen = await t.waitFor('the program output and the next prompt', (s) => /sum is 42\n(?:.*\n)*In \[2\]:$/m.test(s));
    assert.equal(count(screen, 'sum is 42'), 1, screen);
    assert.equal(count(screen, 'Run: `gcc sum.c -o sum.exe`'), 1, screen);
    assert.equal(count(screen, 'Run: `./sum.exe`'), 1, screen);
    assert.doesNotMatch(screen, /error|not found|exit code/i);
    assert.equal(count(screen, 'In ['), 2, 'one cell ran');
  });

  it('runs a TypeScript cell', async () => {
    const t = terminal!;
    await t.type('1 + 41');
    await t.press('Enter');
    const screen = await t.waitFor('Out[2]: 42', (s) => /^Out\[2\]: 42$/m.test(s));
    assert.equal(count(screen, 'Out['), 1, screen);
  });
});
