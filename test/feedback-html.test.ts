// The feedback page (--html, and NAME.html under --out-dir): the executed
// notebook with its scores, opened in a real browser as a student would open
// the file a teacher mailed: scores and checks shown, Markdown rendered,
// terminal colours kept, outputs shown, nothing of the notebook run as code.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../kernel/paths';
import { runCommand } from './support/jupyter-env';

const sockbook = path.join(projectRoot, 'bin', 'sockbook.js');
const CHROMIUM = '/usr/bin/chromium';
// A 1×1 red PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

type Cell = Record<string, unknown>;
const code = (id: string, source: string, nbgrader?: Record<string, unknown>): Cell => ({
  cell_type: 'code',
  id,
  metadata: nbgrader ? { nbgrader } : {},
  source,
  outputs: [],
  execution_count: null,
});
const markdownCell = (id: string, source: string): Cell => ({ cell_type: 'markdown', id, metadata: {}, source });
const notebook = (cells: Cell[]) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

describe('the feedback page (--html)', function () {
  this.timeout(180000);
  let scratch: string;
  let browser: Browser | undefined;

  before(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'sockbook-feedback-'));
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('shows the scores, checks, Markdown, coloured output and rich outputs, and runs none of the notebook\'s HTML', async () => {
    const hiddenSource = "// SECRET hidden test\ngrade.check('secret', answer === 42, 2, `answer is ${answer}, expected 42`);";
    const tests = path.join(scratch, 'tests.ipynb');
    const checks = "grade.check('first', true, 1, 'fine');\ngrade.check('second', false, 1, 'expected <x>, got <y>');";
    writeFileSync(
      tests,
      notebook([
        code('checks', checks, { grade: true, solution: false, grade_id: 'two-checks', points: 2 }),
        code('t', hiddenSource, { grade: true, solution: false, grade_id: 'the-answer', points: 2 }),
      ]),
    );
    const student = path.join(scratch, 'work', 'hw.ipynb');
    mkdirSync(path.dirname(student));
    writeFileSync(
      student,
      notebook([
        markdownCell('md', '# Homework <script>window.pwnedByMarkdown = 1</script>\n\nSome *emphasis* and [a link](javascript:alert(1)).'),
        code('answer', 'const answer = 41;', { grade: false, solution: true, grade_id: 'answer' }),
        code('colour', "!printf '\\033[31mred text\\033[0m plain <tag>\\n'"),
        code(
          'rich',
          "display.html('<b id=\"inner\">bold html</b><script>window.parent.pwnedByOutput = 1</script>');\ndisplay.svg('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>');\ndisplay.png('" +
            PNG +
            "');\ndisplay.markdown('**md output**');",
        ),
        code('checks', "grade.check('everything', true, 2, 'my own copy')", { grade: true, solution: false, grade_id: 'two-checks', points: 2 }),
        code('t', 'the student\'s own copy of the test', { grade: true, solution: false, grade_id: 'the-answer', points: 2 }),
      ]),
    );
    const html = path.join(scratch, 'feedback.html');
    const { code: status, stdout, stderr } = await runCommand(process.execPath, [sockbook, 'run', student, '--tests', tests, '-o', path.join(scratch, 'out.ipynb'), '--html', html], {
      cwd: scratch,
      timeoutMs: 120000,
    });
    assert.equal(status, 0, stdout + stderr);
    const text = readFileSync(html, 'utf8');
    assert.doesNotMatch(text, /SECRET/, 'the hidden test\'s code is not in the page');
    assert.doesNotMatch(text, /<script>/, 'no script of the notebook is in the page as a script');

    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
    } catch (error) {
      throw new Error(`Chromium (${CHROMIUM}, Debian's chromium package) did not start: ${(error as Error).message}`);
    }
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`file://${html}`);
    const body = await page.innerText('body');
    assert.match(body, /Score: 1\/4/, body);
    assert.equal(await page.innerText('section.markdown h1'), 'Homework <script>window.pwnedByMarkdown = 1</script>', 'raw HTML in Markdown shows as text');
    assert.equal(await page.innerText('section.markdown em'), 'emphasis');
    assert.equal(await page.locator('section.markdown a[href^="javascript"]').count(), 0, 'no javascript: link');
    assert.equal(await page.locator('span', { hasText: 'red text' }).evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(e).color), 'rgb(204, 0, 0)', 'terminal colours kept');
    assert.match(body, /red text plain <tag>/);
    assert.equal(await page.locator('img[src^="data:image/png"]').count(), 1, 'the PNG output');
    assert.equal(await page.locator('img[src^="data:image/svg+xml"]').count(), 1, 'the SVG output, as an image');
    assert.equal(await page.innerText('.output-markdown strong'), 'md output');
    const frame = page.frameLocator('iframe.output-html');
    assert.equal(await frame.locator('#inner').innerText(), 'bold html', 'the HTML output shows in its frame');
    assert.match(body, /two-checks: 1\/2/);
    assert.match(body, /✔ first \(1\/1\): fine/);
    assert.match(body, /✘ second \(0\/1\): expected <x>, got <y>/);
    assert.match(body, /the-answer: 0\/2/);
    assert.match(body, /✘ secret \(0\/2\): answer is 41, expected 42/);
    assert.match(body, /a hidden test: its code is not shown/);
    assert.deepEqual(
      await page.evaluate(() => [(globalThis as unknown as Record<string, unknown>).pwnedByMarkdown, (globalThis as unknown as Record<string, unknown>).pwnedByOutput]),
      [undefined, undefined],
      'no script of the notebook ran',
    );
    assert.deepEqual(errors, []);
  });
});
