import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { runCommand } from './support/jupyter-env';
import { descendantPids } from './support/pids';
import { JUPYTER_ENV, JupyterLab, PYTHON_KERNELSPEC, type LabNotebook } from './support/jupyterlab';

const normalized = (text: string) => text.replace(/`/g, '').replace(/\s+/g, ' ').trim();

interface SavedNotebook {
  cells: { cell_type: string; source: string[] | string; outputs?: { output_type: string; ename?: string; evalue?: string }[] }[];
}

const sourceOf = (cell: SavedNotebook['cells'][number]) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

/** The `%run` lines of each code cell of a notebook file, in order. */
function runLinesOf(file: string): string[][] {
  return (JSON.parse(readFileSync(file, 'utf8')) as SavedNotebook).cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => sourceOf(c).split('\n').filter((l) => l.startsWith('%run ')).map((l) => l.slice('%run '.length)));
}

/** The notebook as the server saved it (after Ctrl+S in the page). */
async function savedNotebook(lab: JupyterLab, name: string): Promise<SavedNotebook> {
  const response = await fetch(lab.url(`/api/contents/${name}?content=1`));
  return ((await response.json()) as { content: SavedNotebook }).content;
}

/** Saves with Ctrl+S, as a user does, and returns the notebook once the server holds a copy newer than before. */
async function saveAndRead(lab: JupyterLab, nb: LabNotebook, name: string): Promise<SavedNotebook> {
  const modified = async () => ((await (await fetch(lab.url(`/api/contents/${name}?content=0`))).json()) as { last_modified: string }).last_modified;
  const before = await modified();
  await nb.press('Control+s');
  const deadline = Date.now() + 30000;
  while ((await modified()) === before) {
    if (Date.now() > deadline) throw new Error(`${name} was not saved within 30 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return savedNotebook(lab, name);
}

/** Cells of each kind, and the CodeMirror language each should get by its first line. */
const HIGHLIGHTED_CELLS: [string, string][] = [
  ['%%cpp hello.c\n%run gcc hello.c -o hello.exe\n#include <stdio.h>\nint main(void) { return 0; }', 'cpp'],
  ['%%c\nint main(void) { return 3; }', 'cpp'],
  ['%%asm\n    .globl main\nmain:\n    movl $0, %eax\n    ret', 'gas'],
  ['%%cmake\ncmake_minimum_required(VERSION 3.10)\nproject(hello C)', 'cmake'],
  ['%%bash\nfor f in *.c; do echo "$f"; done', 'shell'],
  ['!ls -l | wc -l', 'shell'],
  ['let port: number = 31008', 'typescript'],
];

/** The language CodeMirror says each cell's editor has (data-language of .cm-content). */
async function editorLanguages(nb: LabNotebook): Promise<(string | null)[]> {
  return nb.codeCells.locator('.cm-content').evaluateAll((all) => all.map((e) => (e as unknown as { getAttribute(n: string): string | null }).getAttribute('data-language')));
}

/** Opens a notebook of every kind of cell, checks each editor's language and the C cell's tokens, then edits a first line. */
async function checkHighlighting(lab: JupyterLab, name: string): Promise<LabNotebook> {
  const nb = await lab.createNotebook(name, HIGHLIGHTED_CELLS.map(([source]) => source));
  await nb.kernelIdle();
  const wanted = HIGHLIGHTED_CELLS.map(([, language]) => language);
  await nb.page.waitForFunction(
    (wanted) => {
      const { document } = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> } };
      const shown = Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .cm-content')).map((e) => e.getAttribute('data-language'));
      return JSON.stringify(shown.slice(-wanted.length)) === JSON.stringify(wanted);
    },
    wanted,
    { timeout: 30000 },
  ).catch(() => undefined);
  assert.deepEqual(await editorLanguages(nb), wanted);

  // The C cell's tokens: the preprocessor line and its header name, which TypeScript has no tokens for, and C's keywords.
  const tokens = await nb.editorTokens(0);
  const classesOf = (text: string) => tokens.filter((t) => t.text === text).map((t) => t.classes);
  assert.equal(classesOf('#include').length, 1, `#include is a token: ${JSON.stringify(tokens)}`);
  assert.equal(classesOf('<stdio.h>').length, 1, 'the header name is a token (a string)');
  assert.equal(classesOf('return').length, 1, 'return is a keyword');
  assert.notDeepEqual(classesOf('#include'), classesOf('return'));
  // The TypeScript cell keeps TypeScript's tokens: its keyword styled as C's keyword is.
  const typescriptTokens = await nb.editorTokens(HIGHLIGHTED_CELLS.length - 1);
  assert.deepEqual(typescriptTokens.filter((t) => t.text === 'let').map((t) => t.classes), classesOf('return'), JSON.stringify(typescriptTokens));

  // Edited: a first line typed in makes the TypeScript cell C, and taking it out makes it TypeScript again.
  const last = HIGHLIGHTED_CELLS.length - 1;
  await nb.editCell(last);
  await nb.press('Control+Home');
  await nb.insert('%%cpp port.c\n');
  await nb.cell(last).locator('.cm-content[data-language="cpp"]').waitFor({ timeout: 10000 });
  for (let i = 0; i < '%%cpp port.c\n'.length; i++) await nb.press('Backspace');
  await nb.cell(last).locator('.cm-content[data-language="typescript"]').waitFor({ timeout: 10000 });
  await nb.press('Escape');
  return nb;
}

/** Screenshots of a failed test, beside the others. */
function shootOnFailure(lab: () => JupyterLab | undefined, page: () => LabNotebook | undefined) {
  return async function (this: Mocha.Context) {
    const test = this.currentTest;
    const shown = page();
    if (test?.state === 'failed' && shown) await lab()?.screenshot(shown.page, `failed-${test.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  };
}

describe('JupyterLab 4 in headless Chromium', function () {
  this.timeout(600000);
  let lab: JupyterLab | undefined;
  let nb: LabNotebook | undefined;

  before(async () => {
    lab = await JupyterLab.start({ app: 'lab', notebooks: ['sockets.ipynb'] });
  });

  after(async () => {
    await lab?.stop();
  });

  afterEach(shootOnFailure(() => lab, () => nb));

  describe('notebooks/sockets.ipynb', () => {
    after(async () => {
      await nb?.page.close().catch(() => undefined);
      nb = undefined;
    });

    it('runs all cells from the Run menu and shows every Run: header and the programs output, with no error', async () => {
      nb = await lab!.openNotebook('sockets.ipynb');
      await nb.kernelIdle();
      assert.equal(await nb.kernelName(), 'sockbook (C + TypeScript)');

      // The lesson ships with its outputs: clear them, so what is checked is what this run printed.
      await nb.clearAllOutputs();
      assert.equal(await nb.codeCells.locator('.jp-OutputArea-output').count(), 0, 'outputs cleared');
      await nb.runAll();
      await nb.allCellsDone(400000);

      const runLines = runLinesOf(path.join(projectRoot, 'notebooks', 'sockets.ipynb'));
      assert.equal(await nb.codeCells.count(), runLines.length);
      for (const [i, commands] of runLines.entries()) {
        const shown = normalized(await nb.codeCells.nth(i).locator('.jp-OutputArea').innerText());
        for (const command of commands) assert.ok(shown.includes(normalized(`Run: ${command}`)), `cell ${i + 1} shows Run: ${command}\n${shown}`);
      }
      const text = await nb.page.locator('.jp-NotebookPanel').filter({ visible: true }).locator('.jp-Notebook').innerText();
      for (const expected of [
        /Read 1000 bytes/,
        /server: read 1000 bytes/,
        /closing the connection to ::1/,
        /EAI_NONAME: Name or service not known/,
        /server: got "LastHello" from 127\.0\.0\.1/,
        /OK: the server stopped cleanly on SIGTERM/,
        /OK: the server stopped cleanly on SIGINT/,
      ]) {
        assert.match(text, expected);
      }
      assert.doesNotMatch(text, /Traceback|KeyboardInterrupt/);

      // What the page holds, saved by the user: not one error output.
      const saved = await saveAndRead(lab!, nb, 'sockets.ipynb');
      const errors = saved.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error'));
      assert.deepEqual(errors, []);
      assert.equal(saved.cells.filter((c) => c.cell_type === 'code' && (c.outputs ?? []).length === 0).length, 0, 'every code cell has output');

      await nb.page.locator('.jp-NotebookPanel').filter({ visible: true }).locator('.jp-WindowedPanel-outer').evaluate((e) => ((e as unknown as { scrollTop: number }).scrollTop = 0));
      await lab!.screenshot(nb.page, 'sockets-top');
      for (let i = 0; i < runLines.length; i++) {
        const output = nb.codeCells.nth(i).locator('.jp-OutputArea');
        await output.scrollIntoViewIfNeeded();
        await output.screenshot({ path: path.join(lab!.screenshots, `sockets-output-${i + 1}.png`) });
      }
      await lab!.screenshot(nb.page, 'sockets-test-server');
    });
  });

  describe('C, assembly, CMake and shell cells highlighted by their first line (the sockbook-highlight extension)', () => {
    after(async () => {
      await nb?.page.close().catch(() => undefined);
      nb = undefined;
    });

    it('is installed where JupyterLab finds it, prebuilt: jupyter labextension list shows it enabled', async () => {
      const { stdout, stderr } = await runCommand(path.join(JUPYTER_ENV, 'bin', 'jupyter'), ['labextension', 'list'], { env: lab!.env });
      const listed = (stdout + stderr).replace(/\x1b\[[0-9;]*m/g, '');
      assert.match(listed, new RegExp(`${lab!.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/share/jupyter/labextensions\\n\\s+sockbook-highlight v0\\.1\\.0 enabled OK`));
    });

    it('gives each cell the language of its first line, and follows edits', async () => {
      nb = await checkHighlighting(lab!, 'highlight.ipynb');
      await lab!.screenshot(nb.page, 'lab-highlighting');
    });

    it("leaves other kernels' notebooks alone: a Python cell opened by a !pip line stays Python", async () => {
      await nb?.page.close().catch(() => undefined);
      nb = await lab!.createNotebook('python.ipynb', ['!pip --version\nimport os', '%%bash\necho hi'], PYTHON_KERNELSPEC);
      await nb.kernelIdle();
      // Give the extension the time it takes on a sockbook notebook (the kernel's info is in).
      await nb.page.waitForTimeout(2000);
      assert.deepEqual(await editorLanguages(nb), ['python', 'python']);
    });
  });

  describe('a new notebook on the sockbook kernel', () => {
    before(async () => {
      nb = await lab!.createNotebook('scratch.ipynb');
      await nb.kernelIdle();
    });

    after(async () => {
      await nb?.page.close().catch(() => undefined);
    });

    it('takes 42 in the input box of a program doing scanf', async () => {
      const index = await nb!.runCell(
        [
          '%%cpp ask.c',
          '%run gcc ask.c -o ask.exe',
          '%run ./ask.exe',
          '#include <stdio.h>',
          'int main() {',
          '    int x;',
          '    printf("number? ");',
          '    fflush(stdout);',
          '    if (scanf("%d", &x) == 1) printf("got %d\\n", x);',
          '    return 0;',
          '}',
        ].join('\n'),
      );
      const box = nb!.stdinBox(index);
      await box.waitFor({ timeout: 60000 });
      await lab!.screenshot(nb!.page, 'new-scanf-input-box');
      await box.click();
      await nb!.type('42');
      await nb!.press('Enter');
      await nb!.output(index).getByText('got 42').waitFor({ timeout: 30000 });
      await nb!.cellDone(index);
      assert.doesNotMatch(await nb!.outputText(index), /Error|Traceback/);
      await lab!.screenshot(nb!.page, 'new-scanf-answered');
    });

    it('ends %run sleep 100 with KeyboardInterrupt when the stop button is pressed', async () => {
      const index = await nb!.runCell('%%save_file pause.sh\n%run sleep 100\n');
      await nb!.kernelBusy();
      await new Promise((r) => setTimeout(r, 1000));
      const pressed = Date.now();
      await nb!.interrupt();
      await nb!.output(index).getByText('KeyboardInterrupt').first().waitFor({ timeout: 30000 });
      await nb!.cellDone(index);
      const took = Date.now() - pressed;
      assert.ok(took < 5000, `the cell ended ${took} ms after the stop button`);
      await lab!.screenshot(nb!.page, 'new-interrupted');
    });

    it('shows a completion list on Tab after libc.', async () => {
      await nb!.cellDone(await nb!.runCell('const port = 31008'));
      await nb!.newCell('');
      await nb!.type('libc.');
      // JupyterLab drops a completion that takes longer than its provider timeout (1 s by default), and a
      // kernel's first completions build its TypeScript language service: Tab is pressed again, as a user would.
      let first: string[] | undefined;
      for (let attempt = 1; attempt <= 8 && !first; attempt++) {
        await nb!.press('Tab');
        first = await nb!.completions(5000).catch(() => undefined);
        if (!first) console.log(`      (Tab ${attempt} showed no list within 5 s)`);
      }
      const names = first ?? [];
      assert.ok(names.length > 100, `libc's names: ${names.length}`);
      // JupyterLab renders a long list in batches: each name is waited for.
      for (const name of ['socket', 'bind', 'connect', 'epoll_wait']) {
        await nb!.page.locator('.jp-Completer-item .jp-Completer-match', { hasText: new RegExp(`^${name}$`) }).first().waitFor({ state: 'attached', timeout: 30000 });
      }
      await lab!.screenshot(nb!.page, 'new-completion');
      // Narrowed by typing, as a person would.
      await nb!.type('epoll_w');
      await nb!.page.locator('.jp-Completer-item .jp-Completer-match', { hasText: /^epoll_wait$/ }).first().waitFor({ timeout: 30000 });
      await nb!.press('Escape');
    });

    it('shows the man page of epoll_wait on Shift-Tab', async () => {
      await nb!.newCell('');
      await nb!.type('libc.epoll_wait');
      await nb!.press('Shift+Tab');
      const tooltip = nb!.page.locator('.jp-Tooltip');
      await tooltip.getByText('maxevents').first().waitFor({ timeout: 30000 });
      assert.match(await tooltip.innerText(), /epoll_wait/);
      await lab!.screenshot(nb!.page, 'new-man-page');
      await nb!.press('Escape');
    });

    it("shows a program's exit status as a small grey line below its output", async () => {
      const index = await nb!.runCell(['%%c', '#include <stdio.h>', 'int main() { printf("bye\\n"); return 3; }'].join('\n'));
      const line = nb!.output(index).locator('.sockbook-annotation');
      await line.waitFor({ timeout: 60000 });
      await nb!.cellDone(index);
      assert.equal((await line.innerText()).trim(), 'exit code 3');
      const stream = nb!.output(index).locator('.jp-RenderedText pre', { hasText: 'bye' }).first();
      const style = await line.evaluate((e) => {
        const s = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; fontSize: string } }).getComputedStyle(e);
        return { color: s.color, fontSize: s.fontSize };
      });
      const streamSize = await stream.evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(e).fontSize);
      assert.equal(style.color, 'rgb(136, 136, 136)');
      assert.ok(parseFloat(style.fontSize) < parseFloat(streamSize), `the line's ${style.fontSize} is smaller than the output's ${streamSize}`);
      const box = await line.boundingBox();
      assert.ok(box && box.height < 25, `one line high (${box?.height} px)`);
      await line.scrollIntoViewIfNeeded();
      await nb!.output(index).screenshot({ path: path.join(lab!.screenshots, 'new-exit-annotation.png') });
    });

  });

  describe('programs a notebook starts, in a notebook of their own', () => {
    before(async () => {
      await nb?.page.close().catch(() => undefined);
      nb = await lab!.createNotebook('programs.ipynb');
      await nb.kernelIdle();
    });

    after(async () => {
      await nb?.page.close().catch(() => undefined);
    });

    it('updates a launch() display in place after .write()', async () => {
      const launched = await nb!.runCell("const p = launch('cat')");
      await nb!.output(launched).getByText(/L: started pid \d+/).waitFor({ timeout: 60000 });
      await nb!.cellDone(launched);
      const written = await nb!.runCell("p.write('hello\\n')");
      await nb!.output(launched).getByText('O: hello').waitFor({ timeout: 30000 }).catch(async (error: Error) => {
        // What the launched program was doing, for whoever looks at the failure.
        const pid = /L: started pid (\d+)/.exec(await nb!.outputText(launched))?.[1];
        const state = pid && existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').trim() : 'gone';
        const wchan = pid && existsSync(`/proc/${pid}/wchan`) ? readFileSync(`/proc/${pid}/wchan`, 'utf8') : '';
        throw new Error(`${error.message}\nthe display shows:\n${await nb!.outputText(launched)}\ncat (pid ${pid}): ${state} (wchan ${wchan})`);
      });
      await nb!.cellDone(written);
      assert.match(await nb!.outputText(launched), /L: started pid \d+\nI: hello\nO: hello/);
      assert.equal(await nb!.output(launched).locator('.jp-OutputArea-child').count(), 1, 'one display, updated in place');
      assert.doesNotMatch(await nb!.outputText(written), /O: hello/);
      await lab!.screenshot(nb!.page, 'new-launch-updated');
      const closed = await nb!.runCell('await p.close()');
      await nb!.output(launched).getByText(/L: exit code 0/).waitFor({ timeout: 30000 });
      await nb!.cellDone(closed);
      assert.doesNotMatch(await nb!.outputText(closed), /Error/);
    });

    it("renders %ss's HTML table with a listening socket of a launched server", async () => {
      const launched = await nb!.runCell("const web = launch('python3 -m http.server 31977 --bind 127.0.0.1')");
      await nb!.cellDone(launched);
      // Until the server has bound its port, %ss has no row for it.
      let index = -1;
      for (let attempt = 0; attempt < 20; attempt++) {
        index = await nb!.runCell('%ss');
        await nb!.cellDone(index);
        if (/31977/.test(await nb!.output(index).locator('table').innerText().catch(() => ''))) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const table = nb!.output(index).locator('table');
      const header = await table.locator('th').allInnerTexts();
      assert.ok(header.length >= 4, `a header row: ${header.join(' | ')}`);
      const row = table.locator('tr', { hasText: '31977' }).first();
      assert.match(await row.innerText(), /LISTEN/);
      await table.scrollIntoViewIfNeeded();
      await nb!.output(index).screenshot({ path: path.join(lab!.screenshots, 'new-ss-table.png') });
      const killed = await nb!.runCell('await web.kill()');
      await nb!.cellDone(killed);
    });

    it('runs %ps in a subshell console while a server cell blocks the notebook', async () => {
      const blocking = await nb!.runCell('!python3 -m http.server 31978 --bind 127.0.0.1');
      await nb!.kernelBusy();
      const console = await lab!.openSubshellConsole(nb!.page);
      const prompt = console.locator('.jp-CodeConsole-promptCell .cm-content');
      await prompt.click();
      await nb!.insert('%ps');
      await nb!.press('Shift+Enter');
      const output = console.locator('.jp-CodeConsole-content .jp-OutputArea', { hasText: 'http.server' }).first();
      await output.waitFor({ timeout: 60000 });
      assert.match(await output.innerText(), /python3 -m http\.server 31978/);
      // The notebook's cell is still running.
      assert.match(await nb!.cell(blocking).locator('.jp-InputArea-prompt').innerText(), /\[\*\]/);
      await lab!.screenshot(nb!.page, 'subshell-console-ps');
      await nb!.interrupt();
      await nb!.cellDone(blocking);
    });
  });
});

describe('Notebook 7 in headless Chromium', function () {
  this.timeout(600000);
  let lab: JupyterLab | undefined;
  let nb: LabNotebook | undefined;

  before(async () => {
    lab = await JupyterLab.start({ app: 'notebook', notebooks: ['sockets.ipynb'] });
  });

  after(async () => {
    await lab?.stop();
  });

  afterEach(shootOnFailure(() => lab, () => nb));

  it('opens notebooks/sockets.ipynb on the sockbook kernel and runs its first C cell', async () => {
    nb = await lab!.openNotebook('sockets.ipynb');
    await nb.kernelIdle();
    const index = await nb.cells.evaluateAll((cells) => cells.findIndex((c) => (c as unknown as { className: string }).className.includes('jp-CodeCell')));
    await nb.menu('Edit', 'Clear Outputs of All Cells');
    await nb.cell(index).locator('.jp-InputPrompt').click();
    await nb.press('Shift+Enter');
    await nb.cellDone(index, 120000);
    const shown = normalized(await nb.outputText(index));
    assert.match(shown, /Run: gcc -Wall socketpair\.cpp -o socketpair\.exe/);
    assert.match(shown, /Run: \.\/socketpair\.exe/);
    assert.doesNotMatch(shown, /Traceback|Error/);
    await lab!.screenshot(nb.page, 'notebook7-first-c-cell');
  });

  it('highlights C, assembly, CMake and shell cells by their first line', async () => {
    await nb?.page.close().catch(() => undefined);
    nb = await checkHighlighting(lab!, 'highlight.ipynb');
    await lab!.screenshot(nb.page, 'notebook7-highlighting');
  });
});

describe('the JupyterLab harness', function () {
  this.timeout(300000);

  it('serves without a token when asked, keeps the user\'s Jupyter directories out, and ends every process it started', async () => {
    const lab = await JupyterLab.start({ app: 'lab', token: false });
    let pids: number[] = [];
    try {
      const status = await fetch(`${lab.baseUrl}/api/status`);
      assert.equal(status.status, 200, 'no token needed');
      for (const name of ['JUPYTER_CONFIG_DIR', 'JUPYTER_DATA_DIR', 'JUPYTER_RUNTIME_DIR', 'IPYTHONDIR', 'JUPYTERLAB_SETTINGS_DIR']) {
        assert.ok(String(lab.env[name]).startsWith(path.dirname(lab.root)), `${name} is the harness's own`);
      }
      const specs = (await (await fetch(`${lab.baseUrl}/api/kernelspecs`)).json()) as { kernelspecs: Record<string, { resources: Record<string, string> }> };
      assert.ok(specs.kernelspecs.sockbook, 'the sockbook kernelspec from the temporary prefix');
      const nb = await lab.createNotebook('empty.ipynb');
      await nb.kernelIdle();
      const { server, browser } = lab.pids;
      assert.ok(server && browser);
      pids = [server, browser, ...descendantPids(server), ...descendantPids(browser)];
      assert.ok(descendantPids(server).length > 0, 'the kernel runs under the server');
    } finally {
      await lab.stop();
    }
    const alive = pids.filter((pid) => existsSync(`/proc/${pid}`) && !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')));
    assert.deepEqual(alive, [], 'no process of the server, its kernel or the browser is left');
    assert.equal(existsSync(lab.root), false, 'the temporary directories are removed');
  });
});
