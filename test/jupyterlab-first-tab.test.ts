// The first Tab of a lesson in real JupyterLab 4 (headless Chromium), with
// JupyterLab's default completer settings (a kernel's answer counts only
// when it comes within the provider timeout, 1000 ms): right after the lesson
// opens on a fresh kernel, before any TypeScript cell ran (no executor, no
// type checker), and again after the checker was unloaded for idleness,
// `libc.` + Tab shows the completer with the libc bindings.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { descendantPids } from './support/pids';
import { JupyterLab, type LabNotebook } from './support/jupyterlab';

/** The checker thread unloads after this many idle seconds here (60 by default). */
const IDLE_S = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The TypeScript executor processes under the Jupyter server (one kernel runs here), with their thread counts and RSS (kB). */
function executors(lab: JupyterLab): { pid: number; threads: number; rssKb: number }[] {
  const server = lab.pids.server;
  if (server === undefined) return [];
  return descendantPids(server).flatMap((pid) => {
    try {
      if (!/executor[/\\]child[/\\]child\.js/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) return [];
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return [{ pid, threads: Number(/Threads:\s+(\d+)/.exec(status)?.[1]), rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) }];
    } catch {
      return []; // it ended meanwhile
    }
  });
}

/**
 * Waits until the executor's checker thread has ended for idleness: its thread count, sampled from just after a
 * cell ran (which loads the checker), drops below the highest seen, no sooner than the idle time after the cell.
 * Returns the thread counts and RSS, loaded and unloaded.
 */
async function checkerUnloaded(lab: JupyterLab, timeoutMs: number): Promise<{ loaded: number; idle: number; loadedRssKb: number; idleRssKb: number }> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let peak = 0;
  let peakRssKb = 0;
  for (;;) {
    const [executor] = executors(lab);
    if (executor) {
      if (executor.threads < peak && Date.now() - started > (IDLE_S - 1) * 1000) {
        // Confirmed a moment later: the drop is the checker's thread, not a sample taken while a thread started.
        await sleep(500);
        const [still] = executors(lab);
        if (still && still.threads < peak) return { loaded: peak, idle: still.threads, loadedRssKb: peakRssKb, idleRssKb: still.rssKb };
      }
      peak = Math.max(peak, executor.threads);
      peakRssKb = Math.max(peakRssKb, executor.rssKb);
    }
    if (Date.now() > deadline) throw new Error(`the checker did not unload within ${timeoutMs} ms (executor threads: peak ${peak})`);
    await sleep(200);
  }
}

/** Types `code` into a new cell at the bottom, presses Tab and returns the completer's items and how long they took to show. */
async function tabAfter(nb: LabNotebook, code: string): Promise<{ items: string[]; ms: number }> {
  await nb.newCell(code);
  const started = Date.now();
  await nb.press('Tab');
  const items = await nb.completions(15000);
  return { items, ms: Date.now() - started };
}

describe('first Tab in JupyterLab 4 (headless Chromium), default completer timeout', function () {
  this.timeout(600000);
  let lab: JupyterLab | undefined;
  let nb: LabNotebook | undefined;

  before(async () => {
    lab = await JupyterLab.start({ app: 'lab', notebooks: ['epoll.ipynb'], env: { SOCKBOOK_CHECKER_IDLE_S: String(IDLE_S) } });
  });

  after(async () => {
    await lab?.stop();
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state === 'failed' && nb) await lab?.screenshot(nb.page, `failed-${test.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  it('right after the lesson opens (no TypeScript cell run, no executor), `libc.` + Tab shows the libc bindings', async () => {
    const running = lab as JupyterLab;
    nb = await running.openNotebook('epoll.ipynb');
    await nb.kernelIdle();
    assert.deepEqual(executors(running), [], 'no executor runs before the first TypeScript question');
    const { items, ms } = await tabAfter(nb, 'libc.');
    console.log(`      first Tab: the completer showed ${items.length} items after ${ms} ms`);
    for (const name of ['epoll_wait', 'epoll_ctl', 'epoll_create1', 'socket', 'accept4']) assert.ok(items.includes(name), `${name} among ${items.slice(0, 20).join(' ')} …`);
    await running.screenshot(nb.page, 'first-tab-fresh-kernel');
    // Narrowed as a person types on: the libc names that start with epoll_w.
    await nb.type('epoll_w');
    await nb.page.waitForFunction(
      () => {
        const { document } = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } };
        const shown = Array.from(document.querySelectorAll('.jp-Completer:not(.lm-mod-hidden) .jp-Completer-item .jp-Completer-match')).map((m) => (m.textContent ?? '').trim());
        return shown.length > 0 && shown.every((m) => m.startsWith('epoll_w'));
      },
      null,
      { timeout: 10000 },
    );
    assert.ok((await nb.completions(5000)).includes('epoll_wait'));
    await nb.press('Escape');
  });

  it('after the type checker was unloaded for idleness, the first Tab shows the completer again', async () => {
    const running = lab as JupyterLab;
    const notebook = nb as LabNotebook;
    await notebook.press('Escape');
    const cell = await notebook.runCell('const port: number = 31008;\nport');
    await notebook.cellDone(cell, 120000);
    assert.equal((await notebook.output(cell).locator('.jp-OutputArea-output').first().innerText()).trim(), '31008');
    // The cell's type check loaded the checker; with nothing asked for IDLE_S seconds, its thread ends.
    const { loaded, idle, loadedRssKb, idleRssKb } = await checkerUnloaded(running, 60000);
    console.log(`      executor: ${loaded} threads and ${Math.round(loadedRssKb / 1024)} MiB with the checker loaded, ${idle} and ${Math.round(idleRssKb / 1024)} MiB after its idle unload`);
    const [before] = executors(running);
    const { items, ms } = await tabAfter(notebook, 'libc.');
    console.log(`      first Tab after the unload: the completer showed ${items.length} items after ${ms} ms`);
    for (const name of ['epoll_wait', 'epoll_ctl', 'epoll_create1', 'socket', 'accept4']) assert.ok(items.includes(name), `${name} among ${items.slice(0, 20).join(' ')} …`);
    const [after] = executors(running);
    assert.equal(after?.pid, before?.pid, 'the same executor: the kernel was not restarted');
    await running.screenshot(notebook.page, 'first-tab-after-unload');
    await notebook.press('Escape');
  });
});
