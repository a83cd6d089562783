// The widgets built-in in real JupyterLab 4 (headless Chromium): a slider
// dragged with the mouse sets the value in the kernel and runs its observer,
// a button's click runs its handler, whose output goes to an Output widget,
// and after a page reload the views render again from the kernel's state and
// stay two-way.
import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { JupyterLab, type LabNotebook } from './support/jupyterlab';

/** One cell: a slider whose observer writes into a Label, and a button whose handler prints into an Output. */
const WIDGETS_CELL = [
  "const slider = widgets.IntSlider({ value: 5, min: 0, max: 100, description: 'clients' });",
  "const seen = widgets.Label({ value: 'kernel saw nothing yet' });",
  'slider.observe(({ new: value }) => { seen.value = `kernel saw ${value}`; });',
  "const go = widgets.Button({ description: 'connect', buttonStyle: 'primary' });",
  'const log = widgets.Output();',
  'let clicks = 0;',
  'go.onClick(() => log.capture(() => { clicks++; console.log(`click ${clicks}: slider at ${slider.value}`); }));',
  'widgets.VBox([slider, seen, go, log])',
].join('\n');

/** The parts of the widget views the test reads and drives, within one cell's output. */
function views(nb: LabNotebook, index: number) {
  const output = nb.output(index);
  return {
    slider: output.locator('.widget-slider').first(),
    track: output.locator('.widget-slider .noUi-target').first(),
    handle: output.locator('.widget-slider .noUi-handle').first(),
    readout: output.locator('.widget-slider .widget-readout').first(),
    label: output.locator('.widget-label', { hasText: /^kernel saw/ }).first(),
    button: output.locator('button.jupyter-button', { hasText: 'connect' }).first(),
    log: output.locator('.widget-output').first(),
  };
}

/** Drags a slider's handle with the mouse to `fraction` of its track, as a person would. */
async function dragHandle(page: Page, handle: Locator, track: Locator, fraction: number): Promise<void> {
  const from = await handle.boundingBox();
  const along = await track.boundingBox();
  if (!from || !along) throw new Error('the slider is not laid out');
  const y = from.y + from.height / 2;
  await page.mouse.move(from.x + from.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(along.x + along.width * fraction, y, { steps: 12 });
  await page.mouse.up();
}

/** The slider's readout once it is a number other than `not`. */
async function readoutOtherThan(readout: Locator, not: number): Promise<number> {
  const deadline = Date.now() + 10000;
  for (;;) {
    const shown = Number((await readout.innerText()).trim());
    if (Number.isInteger(shown) && shown !== not) return shown;
    if (Date.now() > deadline) throw new Error(`the slider's readout stayed ${not}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface SavedNotebook {
  metadata: Record<string, unknown>;
  cells: { outputs?: { data?: Record<string, unknown> }[] }[];
}

/** The notebook as the server holds it, once its first cell's saved outputs hold the widget's view (after a save). */
async function savedWithWidgetView(lab: JupyterLab, name: string): Promise<SavedNotebook> {
  const deadline = Date.now() + 30000;
  for (;;) {
    const response = await lab.api(`/api/contents/${name}?content=1`);
    const body = (await response.json()) as { content?: SavedNotebook };
    const views = body.content?.cells[0]?.outputs?.filter((o) => o.data?.['application/vnd.jupyter.widget-view+json'] !== undefined) ?? [];
    if (body.content && views.length === 1) return body.content;
    if (Date.now() > deadline) throw new Error(`${name} was not saved with the widget's view within 30 s: ${response.status} ${JSON.stringify(body).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('widgets in JupyterLab 4 (headless Chromium)', function () {
  this.timeout(600000);
  let lab: JupyterLab | undefined;
  let nb: LabNotebook | undefined;
  let dragged = 0;

  before(async () => {
    lab = await JupyterLab.start({ app: 'lab' });
    nb = await lab.createNotebook('widgets.ipynb', [WIDGETS_CELL]);
    await nb.kernelIdle();
  });

  after(async () => {
    await lab?.stop();
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state === 'failed' && nb) await lab?.screenshot(nb.page, `failed-${test.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  it('renders the slider, the label, the button and the output widget', async () => {
    const page = nb as LabNotebook;
    await page.editCell(0);
    await page.press('Shift+Enter');
    await page.cellDone(0, 120000);
    const v = views(page, 0);
    await v.slider.waitFor({ timeout: 60000 });
    await v.button.waitFor();
    assert.equal((await v.readout.innerText()).trim(), '5');
    assert.equal(await v.label.innerText(), 'kernel saw nothing yet');
    assert.equal((await page.outputText(0)).includes('IntSlider('), false, 'the widget view, not its text form');
  });

  it('a drag of the handle with the mouse sets the value in the kernel: the observer updates the label, a later cell reads it', async () => {
    const page = nb as LabNotebook;
    const v = views(page, 0);
    await dragHandle(page.page, v.handle, v.track, 0.8);
    dragged = await readoutOtherThan(v.readout, 5);
    assert.ok(dragged >= 60 && dragged <= 100, `dragged to ${dragged}`);
    // The observer ran in the kernel and its change came back to the page.
    await v.label.filter({ hasText: `kernel saw ${dragged}` }).waitFor({ timeout: 15000 });
    const read = await page.runCell('console.log(`value in the kernel: ${slider.value}`)');
    await page.cellDone(read);
    assert.equal((await page.outputText(read)).trim(), `value in the kernel: ${dragged}`);
    await lab?.screenshot(page.page, 'widgets-dragged');
  });

  it("a click on the button runs its handler in the kernel, and what it prints shows in the Output widget", async () => {
    const page = nb as LabNotebook;
    const v = views(page, 0);
    await v.button.click();
    await v.log.filter({ hasText: `click 1: slider at ${dragged}` }).waitFor({ timeout: 15000 });
    await v.button.click();
    await v.log.filter({ hasText: 'click 2' }).waitFor({ timeout: 15000 });
    assert.deepEqual((await v.log.innerText()).trim().split('\n'), [`click 1: slider at ${dragged}`, `click 2: slider at ${dragged}`]);
    // Printed into the widget, not into the cell's output stream.
    assert.equal(await page.cell(0).locator('.jp-Cell-outputArea > .jp-OutputArea-child > [data-mime-type="application/vnd.jupyter.stdout"]').count(), 0);
    const count = await page.runCell('clicks');
    await page.cellDone(count);
    assert.equal((await page.output(count).locator('.jp-OutputArea-output').first().innerText()).trim(), '2');
    await lab?.screenshot(page.page, 'widgets-clicked');
  });

  it("after a page reload the views render again from the kernel's state, and stay two-way", async () => {
    const page = nb as LabNotebook;
    // Saved first (Ctrl+S), so that the page leaves without asking.
    await page.press('Escape');
    await page.press('Control+s');
    const saved = await savedWithWidgetView(lab as JupyterLab, 'widgets.ipynb');
    // ipywidgets saves no widget state in the notebook by default: what renders after the reload can only come from the kernel.
    assert.equal(saved.metadata.widgets, undefined, 'no widget state saved in the notebook');
    await page.page.reload();
    await page.cells.first().waitFor({ timeout: 90000 });
    await page.kernelIdle();
    const v = views(page, 0);
    await v.slider.waitFor({ timeout: 60000 });
    await v.readout.filter({ hasText: String(dragged) }).waitFor({ timeout: 15000 });
    assert.equal(await v.label.innerText(), `kernel saw ${dragged}`);
    assert.match(await v.log.innerText(), /click 2/);
    await lab?.screenshot(page.page, 'widgets-reloaded');

    // The kernel moves the slider in the reloaded page…
    const set = await page.runCell('slider.value = 12');
    await page.cellDone(set);
    await v.readout.filter({ hasText: /^12$/ }).waitFor({ timeout: 15000 });
    await v.label.filter({ hasText: 'kernel saw 12' }).waitFor({ timeout: 15000 });
    // …and a drag there reaches the kernel.
    await dragHandle(page.page, v.handle, v.track, 0.5);
    const again = await readoutOtherThan(v.readout, 12);
    await v.label.filter({ hasText: `kernel saw ${again}` }).waitFor({ timeout: 15000 });
    await v.button.click();
    await v.log.filter({ hasText: `click 3: slider at ${again}` }).waitFor({ timeout: 15000 });
    await lab?.screenshot(page.page, 'widgets-reloaded-dragged');
  });
});
