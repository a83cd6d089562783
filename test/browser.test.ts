import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserServer, type Page } from 'playwright-core';
import { projectRoot } from '../kernel/paths';
import { JupyterEnv } from './support/jupyter-env';
import { NotebookServer } from './support/notebook-server';
import { childProcesses, endProcesses, processRef } from './support/pids';

/** Debian's chromium package. */
const CHROMIUM = '/usr/bin/chromium';
/** Kept after the run, to look at what the browser showed. */
const SCREENSHOTS = path.join(projectRoot, 'build', 'browser');

/** The page's globals, as far as these tests use them (the tests compile without the DOM library). */
interface PageElement {
  textContent: string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
interface NotebookWindow {
  document: PageElement;
  scrollTo(x: number, y: number): void;
  /** The classic Notebook's page object. */
  Jupyter: {
    notebook: {
      kernel?: { info_reply?: { implementation?: string } };
      get_cells(): NotebookCell[];
      insert_cell_at_bottom(type: 'code'): NotebookCell;
      find_cell_index(cell: NotebookCell): number;
      select(index: number): void;
    };
  };
}
interface NotebookCell {
  cell_type: string;
  get_text(): string;
  set_text(text: string): void;
  focus_editor(): void;
  code_mirror: { setCursor(pos: { line: number; ch: number }): void; lineCount(): number; getLine(n: number): string };
}

const normalized = (text: string) => text.replace(/`/g, '').replace(/\s+/g, ' ').trim();

/** The `%run` lines of each code cell of a notebook file, in order. */
function runLinesOf(file: string): string[][] {
  const cells = (JSON.parse(readFileSync(file, 'utf8')) as { cells: { cell_type: string; source: string[] | string }[] }).cells;
  return cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source).split('\n').filter((l) => l.startsWith('%run ')).map((l) => l.slice('%run '.length)));
}

async function kernelReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as NotebookWindow).Jupyter?.notebook?.kernel?.info_reply?.implementation === 'sockbook', null, { timeout: 90000 });
  await page.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor({ timeout: 90000 });
}

/** Waits until no code cell is queued or running and every one has output, with the kernel idle. */
async function allCellsDone(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    () => {
      const { document } = globalThis as unknown as NotebookWindow;
      const cells = Array.from(document.querySelectorAll('.code_cell'));
      return (
        cells.length > 0 &&
        cells.every((c) => !(c.querySelector('.input_prompt')?.textContent ?? '').includes('*') && c.querySelectorAll('.output_area').length > 0) &&
        document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null
      );
    },
    null,
    { timeout: timeoutMs, polling: 500 },
  );
}

describe('the classic Notebook in headless Chromium', function () {
  this.timeout(600000);
  let jupyter: JupyterEnv | undefined;
  let dir: string | undefined;
  let server: NotebookServer | undefined;
  let browserServer: BrowserServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;

  before(async () => {
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    jupyter = await JupyterEnv.create();
    dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-browser-'));
    copyFileSync(path.join(projectRoot, 'notebooks', 'sockets.ipynb'), path.join(dir, 'sockets.ipynb'));
    server = await NotebookServer.start(jupyter, dir);
    try {
      browserServer = await chromium.launchServer({ executablePath: CHROMIUM, headless: true });
    } catch (error) {
      throw new Error(`Chromium (${CHROMIUM}, Debian's chromium package) did not start: ${(error as Error).message}`);
    }
    browser = await chromium.connect(browserServer.wsEndpoint());
  });

  after(async () => {
    const browserPid = browserServer?.process().pid;
    const browserProcesses = browserPid === undefined ? [] : [processRef(browserPid), ...childProcesses(browserPid)];
    try {
      await context?.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
      await browserServer?.close().catch(() => undefined);
    } finally {
      try {
        await endProcesses(browserProcesses);
        await server?.stop();
      } finally {
        jupyter?.cleanup();
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  async function openPage(url: string): Promise<Page> {
    context ??= await browser!.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  }

  describe('notebooks/sockets.ipynb', () => {
    let page: Page | undefined;
    after(async () => {
      await page?.close().catch(() => undefined);
    });

    it('runs all cells from the Cell menu and shows every Run: header and the programs output, with no error', async function () {
      page = await openPage(server!.url('/notebooks/sockets.ipynb'));
      await kernelReady(page);
      assert.equal(await page.locator('.kernel_indicator_name').innerText(), 'sockbook (C + TypeScript)');

      // The lesson ships with its outputs: clear them, so what is checked is what this run printed.
      await page.locator('#celllink').click();
      await page.locator('#all_outputs').hover();
      await page.locator('#clear_all_output > a').click();
      assert.equal(await page.locator('.code_cell .output_area').count(), 0, 'outputs cleared');

      await page.locator('#celllink').click();
      await page.locator('#run_all_cells > a').click();
      await allCellsDone(page, 400000);

      const cells = page.locator('.code_cell');
      const runLines = runLinesOf(path.join(dir!, 'sockets.ipynb'));
      assert.equal(await cells.count(), runLines.length);
      for (const [i, commands] of runLines.entries()) {
        const shown = normalized(await cells.nth(i).locator('.output_wrapper').innerText());
        for (const command of commands) assert.ok(shown.includes(normalized(`Run: ${command}`)), `cell ${i + 1} shows Run: ${command}\n${shown}`);
      }
      const text = await page.locator('#notebook-container').innerText();
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
      assert.equal(await page.locator('.output_error').count(), 0, 'no error output');
      assert.doesNotMatch(text, /Traceback|KeyboardInterrupt/);

      await page.evaluate(() => (globalThis as unknown as NotebookWindow).scrollTo(0, 0));
      await shot(page, 'sockets-top');
      // Each code cell's outputs, as the lesson shows them.
      for (let i = 0; i < runLines.length; i++) {
        await cells.nth(i).locator('.output_wrapper').screenshot({ path: path.join(SCREENSHOTS, `sockets-output-${i + 1}.png`) });
      }
      await cells.nth(runLines.length - 1).locator('.output_wrapper').scrollIntoViewIfNeeded();
      await shot(page, 'sockets-test-server');
    });
  });

  describe('a new notebook on the sockbook kernel', () => {
    let page: Page;

    before(async () => {
      const tree = await openPage(server!.url('/tree'));
      await tree.locator('#new-dropdown-button').click();
      const [opened] = await Promise.all([tree.context().waitForEvent('page'), tree.locator('#kernel-sockbook > a').click()]);
      page = opened;
      // The menu opens a blank window first, then sends it to the new notebook.
      await page.waitForURL(/\/notebooks\/Untitled\.ipynb/, { timeout: 60000 });
      await page.waitForLoadState();
      await tree.close();
      await kernelReady(page);
    });

    after(async () => {
      await page?.close().catch(() => undefined);
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && page) await shot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
    });

    /** Puts code in the empty cell at the bottom (Shift-Enter leaves one) or a new one, focused with the cursor at the end; its index. */
    async function newCell(code: string): Promise<number> {
      return page.evaluate((code) => {
        const nb = (globalThis as unknown as NotebookWindow).Jupyter.notebook;
        const cells = nb.get_cells();
        const last = cells[cells.length - 1];
        const cell = last && last.cell_type === 'code' && last.get_text() === '' ? last : nb.insert_cell_at_bottom('code');
        cell.set_text(code);
        const index = nb.find_cell_index(cell);
        nb.select(index);
        cell.focus_editor();
        const end = cell.code_mirror.lineCount() - 1;
        cell.code_mirror.setCursor({ line: end, ch: cell.code_mirror.getLine(end).length });
        return index;
      }, code);
    }

    const outputOf = (index: number) => page.locator('.code_cell').nth(index).locator('.output_wrapper');

    /** Waits until the cell shows its execution count (not `*`) and the kernel is idle. */
    async function cellDone(index: number): Promise<void> {
      await page.locator('.code_cell').nth(index).locator('.input_prompt', { hasText: /\[\d+\]/ }).waitFor({ timeout: 30000 });
      await page.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor({ timeout: 30000 });
    }

    async function runCell(code: string): Promise<number> {
      const index = await newCell(code);
      await page.keyboard.press('Shift+Enter');
      return index;
    }

    it('takes 42 in the input box of a program doing scanf', async () => {
      const index = await runCell(
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
      const box = outputOf(index).locator('input.raw_input');
      await box.waitFor({ timeout: 60000 });
      await shot(page, 'new-scanf-input-box');
      await box.click();
      await page.keyboard.type('42');
      await page.keyboard.press('Enter');
      await outputOf(index).getByText('got 42').waitFor({ timeout: 30000 });
      await cellDone(index);
      assert.equal(await outputOf(index).locator('.output_error').count(), 0);
      await shot(page, 'new-scanf-answered');
    });

    it('ends !sleep 100 with KeyboardInterrupt when the stop button is pressed', async () => {
      const index = await runCell('!sleep 100');
      await page.locator('#kernel_indicator_icon.kernel_busy_icon').waitFor({ timeout: 30000 });
      await new Promise((r) => setTimeout(r, 1000));
      const pressed = Date.now();
      await page.locator('button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]').click();
      await outputOf(index).locator('.output_error').getByText('KeyboardInterrupt').waitFor({ timeout: 30000 });
      await cellDone(index);
      const took = Date.now() - pressed;
      assert.ok(took < 5000, `the cell ended ${took} ms after the stop button`);
      await shot(page, 'new-interrupted');
    });

    it('shows a completion list on Tab after libc.', async () => {
      await newCell('');
      await page.keyboard.type('libc.');
      await page.keyboard.press('Tab');
      const options = page.locator('#complete select option');
      await options.nth(1).waitFor({ timeout: 30000 });
      const names = await options.allInnerTexts();
      for (const name of ['socket', 'epoll_wait', 'connect']) assert.ok(names.includes(name), `${name} in ${names.slice(0, 20).join(' ')}…`);
      await shot(page, 'new-completion');
      await page.keyboard.press('Escape');
    });

    it('shows the man page of epoll_wait on Shift-Tab', async () => {
      await newCell('');
      await page.keyboard.type('libc.epoll_wait');
      await page.keyboard.press('Shift+Tab');
      const tooltip = page.locator('#tooltip');
      await tooltip.getByText('maxevents').first().waitFor({ timeout: 30000 });
      assert.match(await tooltip.innerText(), /epoll_wait/);
      await shot(page, 'new-man-page');
      await page.keyboard.press('Escape');
    });

    it('updates a launch() display in place after .write()', async () => {
      const launched = await runCell("const p = launch('cat')");
      await outputOf(launched).getByText(/L: started pid \d+/).waitFor({ timeout: 60000 });
      const written = await runCell("p.write('hello\\n')");
      await outputOf(launched).getByText('O: hello').waitFor({ timeout: 30000 });
      await cellDone(written);
      const shown = await outputOf(launched).innerText();
      assert.match(shown, /L: started pid \d+\nI: hello\nO: hello/);
      assert.equal(await outputOf(launched).locator('.output_area').count(), 1, 'one display, updated in place');
      assert.doesNotMatch(await outputOf(written).innerText(), /O: hello/);
      await shot(page, 'new-launch-updated');
      const closed = await runCell('await p.close()');
      await outputOf(launched).getByText(/L: exit code 0/).waitFor({ timeout: 30000 });
      await cellDone(closed);
      assert.equal(await outputOf(closed).locator('.output_error').count(), 0);
    });
  });
});
