import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { JupyterEnv, nbconvertExecute, PYTHON, runCommand, SavedCell } from './support/jupyter-env';

/** The FIFO the lesson creates; it must be gone when the notebook ends. */
const LESSON_FIFO = '/tmp/sockbook-epoll-lesson.fifo';

/** Everything the code cells show, as text: streams and the text forms of displays and results. */
function shownText(cells: SavedCell[]): string {
  const parts: string[] = [];
  for (const cell of cells) {
    if (cell.cell_type !== 'code') continue;
    for (const output of cell.outputs ?? []) {
      if (output.text) parts.push(output.text.join(''));
      for (const mime of ['text/plain', 'text/markdown', 'text/html']) {
        const value = output.data?.[mime];
        if (typeof value === 'string') parts.push(value);
        else if (Array.isArray(value)) parts.push(value.join(''));
      }
    }
  }
  return parts.join('\n');
}

/** What the epoll lesson must show, whoever runs it. */
function assertLessonOutputs(cells: SavedCell[]): void {
  const errors = cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error'));
  assert.deepEqual(errors, [], 'no cell ends in error');
  const text = shownText(cells);
  const expectedSize = process.arch === 'x64' ? 12 : 16;
  // The layout, from TypeScript (koffi) and from C (gcc): the same numbers twice.
  assert.equal(text.split(`sizeof(struct epoll_event) = ${expectedSize}\n`).length - 1, 2, text);
  assert.equal(text.split(`offsetof(struct epoll_event, data) = ${expectedSize - 8}\n`).length - 1, 2, text);
  // The echo server: every C client got every line back; the server saw each end.
  for (let client = 1; client <= 3; client++) {
    for (let line = 1; line <= 3; line++) assert.ok(text.includes(`client ${client} got back: hello #${line} from client ${client}`), `echo ${line} of client ${client}\n${text}`);
    assert.ok(text.includes(`client ${client}: done`), text);
  }
  assert.equal(text.match(/^L: exit code 0$/gm)?.length, 3, `each launched client exits with 0\n${text}`);
  assert.equal(text.match(/connection EPOLLIN\|EPOLLRDHUP: end of file, closed/g)?.length, 3, text);
  assert.ok(text.includes('served 3 clients, echoed 207 bytes'), text);
  // The slider round: 1, 5 and 20 clients at once, every one served and every byte echoed, behind one widget.
  for (const [clients, bytes] of [[1, 46], [5, 230], [20, 942]]) {
    const round = new RegExp(`^${clients} clients?: ${clients} served, ${bytes} bytes echoed; at most (\\d+) open at once;`, 'm').exec(text);
    assert.ok(round && Number(round[1]) >= 1 && Number(round[1]) <= clients, `the round with ${clients} clients\n${text}`);
  }
  const views = cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.['application/vnd.jupyter.widget-view+json'] !== undefined);
  assert.equal(views.length, 1, 'the slider, its label and the table are shown as one widget');
  // Level vs edge triggered.
  assert.ok(text.includes('level-triggered: 5 wakeups, 0 bytes left unread'), text);
  assert.ok(text.includes('edge-triggered: 1 wakeup, 8 bytes left unread'), text);
  assert.ok(text.includes('after writing 10 bytes: EPOLLIN, drained "01" "23" "45" "67" "89" then EAGAIN'), text);
  assert.ok(text.includes('edge-triggered with draining: 2 wakeups'), text);
  // EPOLLRDHUP and CLOSE-WAIT.
  assert.ok(text.includes('epoll_wait returns 1: EPOLLIN|EPOLLRDHUP'), text);
  assert.ok(text.includes('read again: "" (0 bytes: end of file)'), text);
  // /proc fdinfo: the registered mask, with the EPOLLERR and EPOLLHUP the kernel always adds.
  assert.match(text, /fd (\d+) \(conn is \1\): events 0x2019 = EPOLLIN\|EPOLLERR\|EPOLLHUP\|EPOLLRDHUP, data\.fd = \1\n/);
  // ss: our socket in CLOSE-WAIT and the peer in FIN-WAIT-2 before we close, and not after.
  assert.equal(text.match(/CLOSE-WAIT\s+0\s+0\s+127\.0\.0\.1:31021\s/g)?.length, 1, text);
  const finWait = [...text.matchAll(/FIN-WAIT-2\s+0\s+0\s+127\.0\.0\.1:(\d+)\s+127\.0\.0\.1:31021\s/g)];
  assert.equal(finWait.length, 1, text);
  // After our close, that same peer socket (its port) is in TIME-WAIT.
  assert.match(text, new RegExp(`TIME-WAIT\\s+0\\s+0\\s+127\\.0\\.0\\.1:${finWait[0][1]}\\s+127\\.0\\.0\\.1:31021\\s`));
  // EPOLLHUP repeats at once, then stops after the fixes.
  assert.ok(text.includes('call 1: returned at once, EPOLLIN|EPOLLHUP, read "hello through the FIFO\\n"'), text);
  for (let call = 2; call <= 5; call++) assert.ok(text.includes(`call ${call}: returned at once, EPOLLHUP, read ""`), text);
  assert.ok(text.includes('fix 1, EPOLL_CTL_DEL: epoll_wait returns 0 after its 200 ms timeout: yes'), text);
  assert.ok(text.includes('fix 2, reopened: epoll_wait returns 0 (no EPOLLHUP)'), text);
  assert.ok(!existsSync(LESSON_FIFO), `${LESSON_FIFO} is removed at the end`);
}

describe('notebooks/epoll.ipynb (the epoll lesson)', function () {
  this.timeout(300000);
  let jupyter: JupyterEnv | undefined;
  let dir: string | undefined;

  before(async () => {
    jupyter = await JupyterEnv.create();
    dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-epoll-'));
  });
  after(() => {
    jupyter?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('executes headless with sockbook run and writes a valid notebook', async () => {
    const workDir = dir as string;
    const source = path.join(workDir, 'epoll.ipynb');
    copyFileSync(path.join(projectRoot, 'notebooks', 'epoll.ipynb'), source);
    const out = path.join(workDir, 'run-out.ipynb');
    const { code, stdout, stderr } = await runCommand(process.execPath, [path.join(projectRoot, 'bin', 'sockbook.js'), 'run', source, '-o', out, '--strict'], { cwd: workDir, timeoutMs: 120000 });
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /epoll_wait returns 1: EPOLLIN\|EPOLLRDHUP/);
    const validate = await runCommand(PYTHON, ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))', out]);
    assert.equal(validate.code, 0, validate.stderr);
    assertLessonOutputs((JSON.parse(readFileSync(out, 'utf8')) as { cells: SavedCell[] }).cells);
  });

  it('executes headless with jupyter nbconvert --execute', async () => {
    assertLessonOutputs(await nbconvertExecute(jupyter as JupyterEnv, 'epoll.ipynb', dir as string));
  });

  it('ships with its outputs saved', () => {
    // The committed notebook was executed: a reader sees the results without running it.
    const saved = (JSON.parse(readFileSync(path.join(projectRoot, 'notebooks', 'epoll.ipynb'), 'utf8')) as { cells: SavedCell[] }).cells;
    assertLessonOutputs(saved);
  });
});
