/**
 * JupyterLab 4 and Notebook 7, as users run them, driven in Debian's
 * Chromium: the browser tests' harness.
 *
 * The server is `jupyter lab` or `jupyter notebook` from build/jupyter (made
 * by test/setup/ensure-jupyter-env.js), serving a temporary root directory
 * that holds copies of the lessons asked for. The sockbook kernelspec (and
 * whatever `sockbook install` puts beside it, such as the highlighting
 * labextension) is installed into a temporary prefix put on JUPYTER_PATH;
 * Jupyter's config, data, runtime, settings and workspace directories and
 * IPYTHONDIR are temporary too, so nothing of the user's leaks in.
 *
 *   const lab = await JupyterLab.start({ app: 'lab', notebooks: ['sockets.ipynb'] });
 *   try {
 *     const nb = await lab.openNotebook('sockets.ipynb');    // a LabNotebook
 *     await nb.kernelIdle();
 *     await nb.clearAllOutputs();
 *     await nb.runAll();
 *     await nb.allCellsDone(400000);
 *     const i = await nb.runCell('%ps');                     // new cell at the bottom, Shift-Enter
 *     await nb.cellDone(i);
 *     assert.match(await nb.outputText(i), /PID/);
 *     await lab.screenshot(nb.page, 'ps');                   // build/browser-lab/ps.png
 *   } finally {
 *     await lab.stop();
 *   }
 *
 * JupyterLab.start(options)
 *   app: 'lab' (default) or 'notebook' (Notebook 7, same environment);
 *   notebooks: files of notebooks/ copied into the root (default none);
 *   files: more files to write into the root, { relative path: text };
 *   token: true (default) for a random token, false for none;
 *   screenshots: a directory under build/ (default build/browser-lab);
 *   viewport: the page size (default 1280 x 1000);
 *   env: more environment variables for the server, which its kernels inherit
 *        (e.g. { SOCKBOOK_CHECKER_IDLE_S: '3' }, or { SOCKBOOK_ISOLATE: 'net' } for a kernel in its own network namespace).
 * lab.root, lab.env, lab.baseUrl, lab.token, lab.log (the server's output), lab.pids ({ server, browser }),
 * lab.prefix (the kernelspec's prefix; share/jupyter under it is on JUPYTER_PATH)
 * lab.url(path)                  a URL of the server, with the token
 * lab.api(path, init?)           fetch() of the REST API, with the token or the _xsrf cookie
 * lab.newPage()                  a blank page in the browser (one context for all)
 * lab.openNotebook(name)         opens root/name in the app; a LabNotebook
 * lab.createNotebook(name, cells?, kernelspec?) writes a notebook on the sockbook kernel
 *                                (cells: sources of code cells, default one empty; kernelspec:
 *                                SOCKBOOK_KERNELSPEC by default, PYTHON_KERNELSPEC for ipykernel)
 *                                into the root through the contents API, then opens it
 * lab.kernels()                  the server's running kernels (REST /api/kernels)
 * lab.runCommand(page, label)    runs a command by its label through the command palette
 * lab.openSubshellConsole(page)  "New Subshell Console for Notebook", once the kernel made the
 *                                subshell; the console's Locator (type in .jp-CodeConsole-promptCell)
 * lab.screenshot(page, name)     saves screenshots/name.png
 * lab.stop()                     shuts the kernels down through the REST API, closes the
 *                                browser, ends the server, the kernels and the browser's
 *                                processes by pid and removes every temporary directory;
 *                                safe to call twice and after a failed start
 *
 * LabNotebook (one notebook panel in a page; cells counted from 0 among all cells)
 *   page, cells (Locator of .jp-Cell), codeCells (Locator of .jp-CodeCell)
 *   kernelIdle(timeoutMs?)       waits for the kernel's execution indicator to say idle
 *   kernelName()                 the kernel's display name shown in the toolbar
 *   menu(top, item)              clicks a main-menu item, e.g. menu('Run', 'Run All Cells')
 *   clearAllOutputs(), runAll(), interrupt() (the toolbar's stop button), restart()
 *   allCellsDone(timeoutMs)      every code cell has an execution count and the kernel is idle
 *   newCell(code)                a code cell added at the bottom holding code, in edit mode
 *                                with the cursor at its end; its index
 *   runCell(code)                newCell + Shift-Enter; its index
 *   cellDone(index, timeoutMs?)  the cell shows its execution count and the kernel is idle
 *   cell(index), output(index)   Locators of a cell and of its output area
 *   outputText(index)            the output area's text
 *   editCell(index)              enters the cell's editor, cursor at the end
 *   type(text)                   types into the focused editor, key by key
 *   insert(text)                 inserts text at the cursor as a paste would (no auto-indent)
 *   press(key)                   presses a key ('Tab', 'Shift+Tab', 'Escape', …)
 *   completions(timeoutMs?)      the items of the visible completer
 *   tooltipText(timeoutMs?)      the text of the visible tooltip (Shift-Tab)
 *   stdinBox(index)              the input box a cell shows while its program reads stdin
 *   editorTokens(index)          the cell editor's highlighted spans: { text, classes } each
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserServer, type Locator, type Page } from 'playwright-core';
import { installKernelspec, installLabExtension } from '../../kernel/cli/install-command';
import { projectRoot } from '../../kernel/paths';
import { freePort } from './kernel-client';
import { descendantPids, endProcesses, processRef, type ProcessRef } from './pids';

/** Debian's chromium package. */
export const CHROMIUM = '/usr/bin/chromium';
/** The pinned Jupyter environment of test/setup/ensure-jupyter-env.js. */
export const JUPYTER_ENV = path.join(projectRoot, 'build', 'jupyter');
const CHROMIUM_ARGS = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface LabOptions {
  app?: 'lab' | 'notebook';
  notebooks?: string[];
  files?: Record<string, string>;
  token?: boolean;
  screenshots?: string;
  viewport?: { width: number; height: number };
  env?: Record<string, string>;
}

export interface RunningKernel {
  id: string;
  name: string;
  execution_state: string;
}

/** A notebook's metadata.kernelspec. */
export interface NotebookKernelspec {
  name: string;
  display_name: string;
  language: string;
}

export const SOCKBOOK_KERNELSPEC: NotebookKernelspec = { name: 'sockbook', display_name: 'sockbook (C + TypeScript)', language: 'typescript' };
/** ipykernel's, from the same environment: a peer to compare with. */
export const PYTHON_KERNELSPEC: NotebookKernelspec = { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' };

export interface EditorToken {
  text: string;
  classes: string;
}

/** The page's globals, as far as the harness uses them (the tests compile without the DOM library). */
interface PageNode {
  textContent: string | null;
  className: string;
  nodeType: number;
  childNodes: ArrayLike<PageNode>;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
  getAttribute(name: string): string | null;
}
interface PageWindow {
  document: PageNode;
}

/**
 * User settings: JupyterLab's first-run prompts (news, update checks) out of the way, and every cell of
 * a notebook kept in the page (windowing off), so that a test finds a cell whether or not it is scrolled to.
 */
const TEST_SETTINGS: Record<string, unknown> = {
  '@jupyterlab/apputils-extension/notification.jupyterlab-settings': { fetchNews: 'false', checkForUpdates: false },
  '@jupyterlab/notebook-extension/tracker.jupyterlab-settings': { windowingMode: 'none' },
};

async function waitForServer(server: ChildProcess, url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 90000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`the Jupyter server exited (${server.exitCode ?? server.signalCode}):\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the Jupyter server did not answer within 90 s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export class JupyterLab {
  log = '';
  private server: ChildProcess | undefined;
  private browserServer: BrowserServer | undefined;
  private browser: Browser | undefined;
  private context: BrowserContext | undefined;
  private stopped = false;
  readonly env: NodeJS.ProcessEnv;
  readonly root: string;
  readonly prefix: string;
  readonly screenshots: string;
  baseUrl = '';

  private constructor(
    private readonly temp: string,
    readonly app: 'lab' | 'notebook',
    readonly token: string,
    private readonly options: LabOptions,
  ) {
    this.root = path.join(temp, 'root');
    this.prefix = path.join(temp, 'prefix');
    this.screenshots = options.screenshots ?? path.join(projectRoot, 'build', 'browser-lab');
    const dir = (name: string) => path.join(temp, name);
    this.env = {
      ...process.env,
      PATH: `${path.join(JUPYTER_ENV, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      JUPYTER_PATH: path.join(this.prefix, 'share', 'jupyter'),
      JUPYTER_CONFIG_DIR: dir('config'),
      JUPYTER_DATA_DIR: dir('data'),
      JUPYTER_RUNTIME_DIR: dir('runtime'),
      JUPYTERLAB_SETTINGS_DIR: dir('lab-settings'),
      JUPYTERLAB_WORKSPACES_DIR: dir('lab-workspaces'),
      IPYTHONDIR: dir('ipython'),
      JUPYTER_PLATFORM_DIRS: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONNOUSERSITE: '1',
      ...options.env,
    };
    delete this.env.JUPYTER_PREFER_ENV_PATH;
  }

  /** Starts the server and the browser; on any failure, ends what was started and throws. */
  static async start(options: LabOptions = {}): Promise<JupyterLab> {
    const temp = mkdtempSync(path.join(os.tmpdir(), 'sockbook-lab-'));
    const lab = new JupyterLab(temp, options.app ?? 'lab', options.token === false ? '' : randomBytes(12).toString('hex'), options);
    try {
      await lab.prepare();
      await lab.startServer();
      await lab.startBrowser();
      return lab;
    } catch (error) {
      await lab.stop();
      throw error;
    }
  }

  private async prepare(): Promise<void> {
    for (const name of ['root', 'config', 'data', 'runtime', 'lab-settings', 'lab-workspaces', 'ipython']) mkdirSync(path.join(this.temp, name), { recursive: true });
    mkdirSync(this.screenshots, { recursive: true });
    for (const name of this.options.notebooks ?? []) copyFileSync(path.join(projectRoot, 'notebooks', name), path.join(this.root, path.basename(name)));
    for (const [name, text] of Object.entries(this.options.files ?? {})) {
      mkdirSync(path.dirname(path.join(this.root, name)), { recursive: true });
      writeFileSync(path.join(this.root, name), text);
    }
    for (const [name, settings] of Object.entries(TEST_SETTINGS)) {
      const file = path.join(this.temp, 'lab-settings', name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(settings));
    }
    // What `sockbook install --prefix` writes: the kernelspec and the highlighting lab extension.
    await installKernelspec({ kind: 'prefix', prefix: this.prefix });
    await installLabExtension(path.join(this.prefix, 'share', 'jupyter'));
  }

  private async startServer(): Promise<void> {
    const jupyter = path.join(JUPYTER_ENV, 'bin', 'jupyter');
    const port = await freePort();
    const args = [
      this.app,
      '--no-browser',
      '--allow-root',
      '--ip=127.0.0.1',
      `--port=${port}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${this.token}`,
      '--ServerApp.password=',
      `--ServerApp.root_dir=${this.root}`,
      '--ServerApp.open_browser=False',
      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
      '--LabApp.news_url=None',
    ];
    const server = spawn(jupyter, this.app === 'lab' ? args : args.filter((a) => !a.startsWith('--LabApp.')), {
      env: this.env,
      cwd: this.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.server = server;
    server.on('error', (error) => (this.log += `\n${error.message}\n`));
    server.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.baseUrl = `http://127.0.0.1:${port}`;
    await waitForServer(server, this.url('/api/status'), () => this.log);
  }

  private async startBrowser(): Promise<void> {
    try {
      this.browserServer = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, chromiumSandbox: false });
    } catch (error) {
      throw new Error(`Chromium (${CHROMIUM}, Debian's chromium package) did not start: ${(error as Error).message}`);
    }
    this.browser = await chromium.connect(this.browserServer.wsEndpoint());
    this.context = await this.browser.newContext({ viewport: this.options.viewport ?? { width: 1280, height: 1000 } });
  }

  /** The server's and the browser's process ids (undefined before they start). */
  get pids(): { server: number | undefined; browser: number | undefined } {
    return { server: this.server?.pid, browser: this.browserServer?.process().pid };
  }

  /** A URL of the server, with the token when there is one. */
  url(pathname: string): string {
    if (this.token === '') return `${this.baseUrl}${pathname}`;
    return `${this.baseUrl}${pathname}${pathname.includes('?') ? '&' : '?'}token=${this.token}`;
  }

  private xsrf: string | undefined;

  /**
   * A request to the server's REST API. Without a token the server wants its _xsrf cookie echoed in
   * a header on every request that changes something, as its pages send it.
   */
  async api(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token === '' && init.method !== undefined && init.method !== 'GET') {
      if (this.xsrf === undefined) {
        const page = await fetch(this.url(this.app === 'lab' ? '/lab' : '/tree'));
        this.xsrf = /_xsrf=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
      }
      headers.set('X-XSRFToken', this.xsrf);
      headers.set('Cookie', `_xsrf=${this.xsrf}`);
    }
    return fetch(this.url(pathname), { ...init, headers });
  }

  async newPage(): Promise<Page> {
    if (!this.context) throw new Error('the browser is not running');
    return this.context.newPage();
  }

  /** Opens a notebook of the root directory in JupyterLab or Notebook 7 and waits for its cells. */
  async openNotebook(name: string): Promise<LabNotebook> {
    const page = await this.newPage();
    // ?reset: JupyterLab opens this notebook alone, not the tabs an earlier page left in the workspace.
    const route = this.app === 'lab' ? `/lab/tree/${encodeURI(name)}?reset` : `/notebooks/${encodeURI(name)}`;
    await page.goto(this.url(route));
    const notebook = new LabNotebook(page, this.app);
    await notebook.cells.first().waitFor({ timeout: 90000 });
    return notebook;
  }

  /** Writes a notebook on the sockbook kernel into the root through the contents API and opens it. */
  async createNotebook(name: string, cells: string[] = [''], kernelspec: NotebookKernelspec = SOCKBOOK_KERNELSPEC): Promise<LabNotebook> {
    const content = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec, language_info: { name: kernelspec.language } },
      cells: cells.map((source, i) => ({ cell_type: 'code', id: `cell-${i}`, metadata: {}, source, outputs: [], execution_count: null })),
    };
    const response = await this.api(`/api/contents/${encodeURI(name)}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'notebook', format: 'json', content }),
    });
    if (!response.ok) throw new Error(`the contents API did not save ${name}: ${response.status} ${await response.text()}`);
    return this.openNotebook(name);
  }

  async kernels(): Promise<RunningKernel[]> {
    return (await (await fetch(this.url('/api/kernels'))).json()) as RunningKernel[];
  }

  /** Runs a command by its label through the command palette (Ctrl+Shift+C), as a person would. */
  async runCommand(page: Page, label: string): Promise<void> {
    await page.keyboard.press('Control+Shift+C');
    const input = page.locator('.lm-CommandPalette-input');
    await input.waitFor({ timeout: 10000 });
    await input.fill(label);
    const item = page.locator('.lm-CommandPalette-item:not(.lm-mod-disabled)').filter({ has: page.locator('.lm-CommandPalette-itemLabel', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
    await item.first().click({ timeout: 10000 });
  }

  /**
   * Runs "New Subshell Console for Notebook" for the page's current notebook and waits until the
   * kernel has made the console's subshell (its create_subshell_reply on the console's new connection):
   * JupyterLab shows the prompt before that, and a cell typed in sooner goes to the main shell.
   */
  async openSubshellConsole(page: Page, timeoutMs = 60000): Promise<Locator> {
    const created = new Promise<void>((resolve) => {
      page.on('websocket', (socket) => {
        socket.on('framereceived', ({ payload }) => {
          const text = typeof payload === 'string' ? payload : payload.toString('latin1');
          if (text.includes('"msg_type":"create_subshell_reply"') || text.includes('"msg_type": "create_subshell_reply"')) resolve();
        });
      });
    });
    await this.runCommand(page, 'New Subshell Console for Notebook');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      created,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no subshell was made within ${timeoutMs} ms`)), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    const console = page.locator('.jp-CodeConsole').filter({ visible: true }).first();
    await console.locator('.jp-CodeConsole-promptCell .cm-content').waitFor({ timeout: timeoutMs });
    return console;
  }

  async screenshot(page: Page, name: string): Promise<string> {
    const file = path.join(this.screenshots, `${name}.png`);
    await page.screenshot({ path: file });
    return file;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const browserPid = this.browserServer?.process().pid;
    const browserProcesses: ProcessRef[] = browserPid === undefined ? [] : [processRef(browserPid), ...descendantPids(browserPid).map(processRef)];
    const serverPid = this.server?.pid;
    try {
      await this.context?.close().catch(() => undefined);
      await this.browser?.close().catch(() => undefined);
      await this.browserServer?.close().catch(() => undefined);
      await endProcesses(browserProcesses);
      if (serverPid !== undefined && this.server?.exitCode === null && this.server.signalCode === null) {
        try {
          const kernels = await this.kernels();
          await Promise.all(kernels.map((k) => this.api(`/api/kernels/${k.id}`, { method: 'DELETE' })));
        } catch {
          // the server may not answer; its kernels are ended by pid below
        }
        const left = descendantPids(serverPid).map(processRef);
        await endProcesses([processRef(serverPid)], 10000);
        await endProcesses(left);
      }
    } finally {
      rmSync(this.temp, { recursive: true, force: true });
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One notebook panel of JupyterLab or Notebook 7, driven through its DOM, menus and keys. */
export class LabNotebook {
  readonly cells: Locator;
  readonly codeCells: Locator;
  private readonly panel: Locator;

  constructor(
    readonly page: Page,
    readonly app: 'lab' | 'notebook',
  ) {
    this.panel = page.locator('.jp-NotebookPanel').filter({ visible: true }).first();
    this.cells = this.panel.locator('.jp-Cell');
    this.codeCells = this.panel.locator('.jp-Cell.jp-CodeCell');
  }

  cell(index: number): Locator {
    return this.panel.locator('.jp-Cell').nth(index);
  }

  /** The cell's own output area (an Output widget in it holds output areas of its own). */
  output(index: number): Locator {
    return this.cell(index).locator('.jp-Cell-outputArea');
  }

  async outputText(index: number): Promise<string> {
    return this.output(index).innerText();
  }

  /** Waits until the toolbar names a kernel (not "No Kernel") and its execution indicator says idle. */
  async kernelIdle(timeoutMs = 90000): Promise<void> {
    await this.panel.locator('.jp-Toolbar .jp-KernelName').filter({ hasNotText: /No Kernel|Connecting|Initializing/ }).first().waitFor({ timeout: timeoutMs });
    await this.panel.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').waitFor({ state: 'attached', timeout: timeoutMs });
  }

  async kernelBusy(timeoutMs = 30000): Promise<void> {
    await this.panel.locator('.jp-Notebook-ExecutionIndicator[data-status="busy"]').waitFor({ state: 'attached', timeout: timeoutMs });
  }

  async kernelName(): Promise<string> {
    return (await this.panel.locator('.jp-Toolbar .jp-KernelName').first().innerText()).trim();
  }

  /** Clicks an item of the main menu bar, e.g. menu('Run', 'Run All Cells'). */
  async menu(top: string, item: string): Promise<void> {
    await this.page.locator('.lm-MenuBar-item', { hasText: new RegExp(`^${escapeRegExp(top)}$`) }).first().click();
    await this.page
      .locator('.lm-Menu-item:not(.lm-mod-disabled)')
      .filter({ has: this.page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${escapeRegExp(item)}$`) }) })
      .first()
      .click();
  }

  async clearAllOutputs(): Promise<void> {
    await this.menu('Edit', 'Clear Outputs of All Cells');
  }

  async runAll(): Promise<void> {
    await this.menu('Run', 'Run All Cells');
  }

  /** The toolbar's stop button. */
  async interrupt(): Promise<void> {
    await this.panel.locator('.jp-Toolbar [data-command="notebook:interrupt-kernel"]').first().click();
  }

  async restart(): Promise<void> {
    await this.menu('Kernel', 'Restart Kernel…');
    await this.page.locator('.jp-Dialog .jp-mod-accept').click();
  }

  /** Every code cell shows an execution count (none queued or running) and the kernel is idle. */
  async allCellsDone(timeoutMs: number): Promise<void> {
    await this.page.waitForFunction(
      () => {
        const { document } = globalThis as unknown as PageWindow;
        const panel = Array.from(document.querySelectorAll('.jp-NotebookPanel')).find((p) => (p as unknown as { offsetParent: unknown }).offsetParent !== null);
        if (!panel) return false;
        const prompts = Array.from(panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')).map((p) => p.textContent ?? '');
        const idle = panel.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null;
        return prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p)) && idle;
      },
      null,
      { timeout: timeoutMs, polling: 500 },
    );
  }

  /** Adds a code cell below the last one holding code, in edit mode with the cursor at the end; its index. */
  async newCell(code: string): Promise<number> {
    const count = await this.panel.locator('.jp-Cell').count();
    const last = this.cell(count - 1);
    const lastEmpty = (await last.locator('.cm-content').innerText()).trim() === '' && (await last.evaluate((c) => (c as unknown as PageNode).className.includes('jp-CodeCell')));
    if (lastEmpty) {
      await this.editCell(count - 1);
    } else {
      await last.locator('.jp-InputPrompt').click();
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('b');
      await this.cell(count).waitFor();
      await this.page.keyboard.press('Enter');
    }
    const index = lastEmpty ? count - 1 : count;
    await this.cell(index).locator('.cm-editor.cm-focused').waitFor({ timeout: 10000 });
    if (code !== '') await this.insert(code);
    return index;
  }

  async runCell(code: string): Promise<number> {
    const index = await this.newCell(code);
    await this.page.keyboard.press('Shift+Enter');
    return index;
  }

  /** The cell shows its execution count and the kernel is idle. */
  async cellDone(index: number, timeoutMs = 60000): Promise<void> {
    await this.cell(index).locator('.jp-InputArea-prompt', { hasText: /\[\d+\]/ }).waitFor({ timeout: timeoutMs });
    await this.kernelIdle(timeoutMs);
  }

  /** Enters the cell's editor with the cursor at the end of its text. */
  async editCell(index: number): Promise<void> {
    await this.cell(index).locator('.cm-content').click();
    await this.cell(index).locator('.cm-editor.cm-focused').waitFor({ timeout: 10000 });
    await this.page.keyboard.press('Control+End');
  }

  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text);
  }

  async insert(text: string): Promise<void> {
    await this.page.keyboard.insertText(text);
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  async completions(timeoutMs = 30000): Promise<string[]> {
    const items = this.page.locator('.jp-Completer:not(.lm-mod-hidden) .jp-Completer-item');
    await items.first().waitFor({ timeout: timeoutMs });
    return (await items.locator('.jp-Completer-match').allInnerTexts()).map((t) => t.trim());
  }

  async tooltipText(timeoutMs = 30000): Promise<string> {
    const tooltip = this.page.locator('.jp-Tooltip').first();
    await tooltip.waitFor({ timeout: timeoutMs });
    return tooltip.innerText();
  }

  stdinBox(index: number): Locator {
    return this.output(index).locator('input.jp-Stdin-input');
  }

  /** The spans CodeMirror highlighted in a cell's editor, with their classes, in order. */
  async editorTokens(index: number): Promise<EditorToken[]> {
    return this.cell(index)
      .locator('.cm-content')
      .evaluate((content) => {
        const tokens: { text: string; classes: string }[] = [];
        const walk = (node: PageNode) => {
          for (const child of Array.from(node.childNodes)) {
            if (child.nodeType !== 1) continue;
            if (child.className && !String(child.className).startsWith('cm-line') && child.childNodes.length > 0) {
              tokens.push({ text: child.textContent ?? '', classes: String(child.className) });
            }
            walk(child);
          }
        };
        walk(content as unknown as PageNode);
        return tokens;
      });
  }
}
