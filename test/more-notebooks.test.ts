import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { JupyterEnv, nbconvertExecute, PYTHON, runCommand, SavedCell } from './support/jupyter-env';

/** A saved cell with its source, to tell which magic produced an output. */
interface LessonCell extends SavedCell {
  source: string[] | string;
}

/** One code cell: its source and everything it shows as text (streams, text/plain of displays). */
interface ShownCell {
  source: string;
  text: string;
}

function shownCells(cells: LessonCell[]): ShownCell[] {
  return cells
    .filter((c) => c.cell_type === 'code')
    .map((cell) => {
      const parts: string[] = [];
      for (const output of cell.outputs ?? []) {
        if (output.text) parts.push(Array.isArray(output.text) ? output.text.join('') : String(output.text));
        const plain = output.data?.['text/plain'];
        if (typeof plain === 'string') parts.push(plain);
        else if (Array.isArray(plain)) parts.push(plain.join(''));
      }
      return { source: Array.isArray(cell.source) ? cell.source.join('') : cell.source, text: parts.join('\n') };
    });
}

function assertNoErrors(cells: LessonCell[]): void {
  const errors = cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error'));
  assert.deepEqual(errors, [], 'no cell ends in error');
  for (const cell of cells.filter((c) => c.cell_type === 'code')) assert.ok((cell.outputs ?? []).length > 0, 'every code cell shows something');
}

/** The text shown by the cells whose source is exactly `magic` (%ss, %ps), in order. */
function viewsOf(shown: ShownCell[], magic: string): string[] {
  return shown.filter((c) => c.source.trim() === magic).map((c) => c.text);
}

/** The display of the cell whose source is exactly `magic` (a picture magic): its MIME bundle. */
function pictureOf(cells: LessonCell[], magic: string): Record<string, unknown> {
  const cell = cells.find((c) => c.cell_type === 'code' && (Array.isArray(c.source) ? c.source.join('') : c.source).trim() === magic);
  assert.ok(cell, `a cell ${magic}`);
  const shown = (cell.outputs ?? []).find((o) => o.output_type === 'display_data' && o.data?.['image/svg+xml'] !== undefined);
  assert.ok(shown?.data, `${magic} shows a picture`);
  const svg = shown.data['image/svg+xml'];
  assert.match(Array.isArray(svg) ? svg.join('') : String(svg), /^<svg[\s\S]*<\/svg>\s*$/);
  const plain = shown.data['text/plain'];
  return { ...shown.data, 'text/plain': Array.isArray(plain) ? plain.join('') : String(plain) };
}

function capture(text: string, pattern: RegExp): string {
  const match = pattern.exec(text);
  assert.ok(match, `${pattern} in:\n${text}`);
  return match[1];
}

const row = (state: string, local: string, peer: string) =>
  new RegExp(`^IPv4\\s+stream\\s+${state}\\s+0\\s+0\\s+${local.replace(/\./g, '\\.')}\\s+${peer.replace(/\./g, '\\.')}\\s`, 'm');

/** What the TCP states lesson must show; returns the pids of its servers. */
function assertTcpStates(cells: LessonCell[]): number[] {
  assertNoErrors(cells);
  const shown = shownCells(cells);
  const all = shown.map((c) => c.text).join('\n');
  const ss = viewsOf(shown, '%ss');
  assert.equal(ss.length, 5, 'five %ss views');

  // The server closes first: its side of the connection (local port 31040) is in TIME-WAIT.
  const client40 = capture(all, /client 127\.0\.0\.1:(\d+) connected to 127\.0\.0\.1:31040/);
  assert.match(all, /client: read returned 0, the server closed first; my socket is in CLOSE-WAIT/);
  assert.match(ss[0], /^IPv4\s+stream\s+LISTEN\s+0\s+0\s+127\.0\.0\.1:31040\s+0\.0\.0\.0:\*\s+\d+\/3\s+\.\/tcp_server\.exe 31040 server/m);
  assert.match(ss[0], row('TIME-WAIT', '127.0.0.1:31040', `127.0.0.1:${client40}`));
  assert.doesNotMatch(ss[0], row('TIME-WAIT', `127.0.0.1:${client40}`, '127.0.0.1:31040'));

  // The client closes first: the TIME-WAIT socket is the client's.
  const client41 = capture(all, /client 127\.0\.0\.1:(\d+) connected to 127\.0\.0\.1:31041/);
  assert.match(ss[1], row('TIME-WAIT', `127.0.0.1:${client41}`, '127.0.0.1:31041'));
  assert.doesNotMatch(ss[1], row('TIME-WAIT', '127.0.0.1:31041', `127.0.0.1:${client41}`));

  // After the server of 31040 stopped: no listener, the TIME-WAIT stays; bind fails, then SO_REUSEADDR succeeds.
  assert.doesNotMatch(ss[2], /LISTEN\s+0\s+0\s+127\.0\.0\.1:31040\s/);
  assert.match(ss[2], row('TIME-WAIT', '127.0.0.1:31040', `127.0.0.1:${client40}`));
  const noOption = all.indexOf('socket 1 (no option): bind 127.0.0.1:31040 failed: EADDRINUSE (Address already in use)');
  const withReuse = all.indexOf('socket 1 (SO_REUSEADDR): bound to 127.0.0.1:31040 and listening');
  assert.ok(noOption >= 0 && withReuse > noOption, `EADDRINUSE, then success with SO_REUSEADDR:\n${all}`);
  assert.match(all, /socket 2 \(SO_REUSEADDR\): bind 127\.0\.0\.1:31042 failed: EADDRINUSE/);
  assert.match(all, /socket 2 \(SO_REUSEPORT\): bound to 127\.0\.0\.1:31042 and listening/);

  // shutdown vs close, state by state.
  assert.match(all, /client: dup, then close the first descriptor:\s+client ESTABLISHED\s+server ESTABLISHED/);
  assert.match(all, /server: write \(the other direction still works\):\s+client FIN-WAIT-2\s+server CLOSE-WAIT/);
  assert.match(all, /server reads 8 bytes: request\n\s+server reads 0 bytes \(end of file\)\n\s+client reads 6 bytes: reply/);
  assert.match(all, /^TIME-WAIT\s+0\s+0\s+127\.0\.0\.1:\d+\s+127\.0\.0\.1:31044\s*$/m);

  // CLOSE-WAIT on the server that does not close, FIN-WAIT-2 on the client; then TIME-WAIT on the client.
  const client43 = capture(all, /client 127\.0\.0\.1:(\d+) connected to 127\.0\.0\.1:31043/);
  assert.match(all, /epoll_wait: EPOLLIN EPOLLRDHUP read returned 0/);
  assert.match(ss[3], new RegExp(`^IPv4\\s+stream\\s+CLOSE-WAIT\\s+0\\s+0\\s+127\\.0\\.0\\.1:31043\\s+127\\.0\\.0\\.1:${client43}\\s+\\d+/\\d+\\s+\\./rdhup_server\\.exe`, 'm'));
  assert.match(ss[3], row('FIN-WAIT-2', `127.0.0.1:${client43}`, '127.0.0.1:31043'));
  assert.match(all, /SIGTERM: closing the connection/);
  assert.doesNotMatch(ss[4], /CLOSE-WAIT/);
  assert.match(ss[4], row('TIME-WAIT', `127.0.0.1:${client43}`, '127.0.0.1:31043'));

  // Nothing of the lesson is left running.
  const ps = viewsOf(shown, '%ps');
  assert.equal(ps.length, 1);
  assert.doesNotMatch(ps[0], /\.exe/);

  // The pictures: the live diagram, redrawn while close_trace ran, counts its connection's TIME-WAIT;
  // the timeline shows close_trace's calls in order.
  const states = String(pictureOf(cells, '%tcpstates --live 30')['text/plain']);
  assert.match(states, /^TIME-WAIT\s+[1-9]\d*$/m);
  assert.match(states, /^\s+TIME-WAIT\s+127\.0\.0\.1:\d+ -> 127\.0\.0\.1:31045\s/m, 'the live diagram was updated by the next cell');
  const trace = pictureOf(cells, '%strace ./close_trace.exe 31045');
  assert.ok(trace['application/vnd.vegalite.v5+json'], 'the timeline is also a Vega-Lite chart');
  const calls = [...String(trace['text/plain']).matchAll(/\s(socket|bind|listen|connect|accept|shutdown)\(/g)].map((m) => m[1]);
  assert.deepEqual(calls.slice(0, 5), ['socket', 'bind', 'listen', 'socket', 'connect'], String(trace['text/plain']));
  assert.ok(calls.indexOf('shutdown') > calls.indexOf('accept'), 'shutdown after accept');
  return [...all.matchAll(/^(?:server|rdhup_server) (\d+) listens/gm)].map((m) => Number(m[1]));
}

/** What the daemons lesson must show; returns the pids of the daemon and of its servers. */
function assertDaemons(cells: LessonCell[]): number[] {
  assertNoErrors(cells);
  const shown = shownCells(cells);
  const all = shown.map((c) => c.text).join('\n');
  const ps = viewsOf(shown, '%ps');
  assert.equal(ps.length, 3, 'three %ps views');
  const daemon = capture(all, /^daemon started, pid (\d+)$/m);
  // The picture marks the daemon, and its server is not one.
  const tree = String(pictureOf(cells, '%ps --tree')['text/plain']);
  assert.match(tree, new RegExp(`^\\s*${daemon}\\s.*supervisor\\.exe 31050\\s+\\[daemon: double fork`, 'm'), tree);
  assert.match(tree, /echo_server\.exe 31050$/m);
  const treeRows = (view: string) => view.split('\n').filter((line) => !line.includes('sockbook-run'));

  // The daemon seen by %ps: one supervisor process (starter and session leader gone), under the
  // runner's subreaper, with the server as its child.
  const firstServer = capture(all, new RegExp(`supervisor\\[${daemon}\\]: started the server, pid (\\d+)`));
  const rows = treeRows(ps[0]);
  assert.equal(rows.filter((line) => line.includes('supervisor.exe')).length, 1, ps[0]);
  assert.match(ps[0], /sockbook-run[^\n]*\n\s*(\d+)\s+S \(sleeping\)\s+ {3}`- \.\/supervisor\.exe 31050\n\s*(\d+)\s+S \(sleeping\)\s+ {6}`- echo_server\.exe 31050/);
  assert.match(ps[0], new RegExp(`^\\s*${daemon}\\s+S \\(sleeping\\)\\s+\`- \\./supervisor\\.exe 31050$`, 'm'));
  assert.match(ps[0], new RegExp(`^\\s*${firstServer}\\s+S \\(sleeping\\)\\s+\`- echo_server\\.exe 31050$`, 'm'));
  // Not a session leader, no terminal.
  const [, sid, pgid] = new RegExp(`^\\s*${daemon}\\s+\\d+\\s+(\\d+)\\s+(\\d+)\\s+\\?\\s+S`, 'm').exec(all) ?? [];
  assert.ok(sid && pgid, `ps -o line of the daemon:\n${all}`);
  assert.notEqual(sid, daemon, 'the daemon does not lead its session');
  assert.match(all, /not a session leader: yes/);
  assert.match(all, /cwd -> \/\nfd 0 -> \/dev\/null\nfd 1 -> daemon\.log\nfd 2 -> daemon\.log\n/);
  assert.match(all, /-rw-r----- daemon\.log/);
  assert.match(all, /client sent "hello, daemon", got back: hello, daemon/);

  // Killed, restarted by the supervisor.
  const [, killed, restarted] = /killed the server (\d+); the server is now (\d+)/.exec(all) ?? [];
  assert.equal(killed, firstServer);
  assert.ok(restarted && restarted !== killed, all);
  assert.match(all, new RegExp(`the server ${killed} was killed by signal 9`));
  assert.match(all, /restarting the server \(restart 1 of 5\)/);
  assert.match(ps[1], new RegExp(`^\\s*${restarted}\\s+S \\(sleeping\\)\\s+\`- echo_server\\.exe 31050$`, 'm'));
  assert.doesNotMatch(ps[1], new RegExp(`^\\s*${killed}\\s`, 'm'));
  assert.match(all, /client sent "are you back\?", got back: are you back\?/);

  // Stopped cleanly, and gone.
  assert.match(all, new RegExp(`^stopped ${daemon}$`, 'm'));
  assert.match(all, new RegExp(`SIGTERM: stopping the server\\n[^\\n]*echo_server\\[${restarted}\\]: SIGTERM, stopped\\n[^\\n]*the server ${restarted} exited with status 0\\n[^\\n]*supervisor\\[${daemon}\\]: stopped`));
  assert.doesNotMatch(ps[2], /supervisor\.exe|echo_server\.exe/);
  assert.match(all, /cannot access 'supervisor\.pid'/);
  return [Number(daemon), Number(killed), Number(restarted)];
}

function readCells(file: string): LessonCell[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { cells: LessonCell[] }).cells;
}

function assertGone(pids: number[]): void {
  for (const pid of pids) assert.ok(!existsSync(`/proc/${pid}`), `process ${pid} is gone after the notebook`);
}

const LESSONS = [
  { name: 'tcp-states.ipynb', check: assertTcpStates, leftovers: ['rdhup_server.log', 'tcp_server_31040.pid', 'tcp_server_31041.pid', 'rdhup_server.pid', 'strace.log'] },
  { name: 'daemons.ipynb', check: assertDaemons, leftovers: ['daemon.log', 'supervisor.pid', 'echo_server.pid'] },
];

describe('notebooks/tcp-states.ipynb and notebooks/daemons.ipynb', function () {
  this.timeout(180000);
  let jupyter: JupyterEnv | undefined;
  const dirs: string[] = [];

  before(async () => {
    jupyter = await JupyterEnv.create();
  });
  after(() => {
    jupyter?.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function freshDir(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sockbook-more-notebooks-'));
    dirs.push(dir);
    return dir;
  }

  for (const lesson of LESSONS) {
    it(`${lesson.name} ships with its outputs saved`, () => {
      lesson.check(readCells(path.join(projectRoot, 'notebooks', lesson.name)));
    });

    it(`${lesson.name} executes headless with sockbook run --strict`, async () => {
      const dir = freshDir();
      const source = path.join(dir, lesson.name);
      copyFileSync(path.join(projectRoot, 'notebooks', lesson.name), source);
      const { code, stdout, stderr } = await runCommand(process.execPath, [path.join(projectRoot, 'bin', 'sockbook.js'), 'run', source, '--strict'], { cwd: dir, timeoutMs: 60000 });
      assert.equal(code, 0, stdout + stderr);
      const validate = await runCommand(PYTHON, ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))', source]);
      assert.equal(validate.code, 0, validate.stderr);
      assertGone(lesson.check(readCells(source)));
      for (const file of lesson.leftovers) assert.ok(!existsSync(path.join(dir, file)), `${file} is removed`);
    });

    it(`${lesson.name} executes headless with jupyter nbconvert --execute`, async () => {
      const dir = freshDir();
      assertGone(lesson.check((await nbconvertExecute(jupyter as JupyterEnv, lesson.name, dir)) as LessonCell[]));
      for (const file of lesson.leftovers) assert.ok(!existsSync(path.join(dir, file)), `${file} is removed`);
    });
  }
});
