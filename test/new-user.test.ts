// What a new user met in the classic Notebook, jupyter_client and
// `sockbook run`: editor highlighting, coloured tracebacks, `?` help with man
// pages, display updates and colours in `sockbook run`, the install hint, and
// a Markdown table that rendered split.
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { stripAnsi } from '../kernel/grading/cell-text';
import { projectRoot } from '../kernel/paths';
import { JupyterEnv, PYTHON, runCommand } from './support/jupyter-env';
import { freePort } from './support/kernel-client';

const SOCKBOOK = path.join(projectRoot, 'bin', 'sockbook.js');

interface IopubOutput {
  msg_type: string;
  content: Record<string, unknown>;
}
interface CellRun {
  reply: { status: string; execution_count?: number; payload?: { source: string; data: Record<string, string> }[] };
  outputs: IopubOutput[];
}
interface ClientRun {
  kernel_info: { language_info: { codemirror_mode: unknown } };
  cells: CellRun[];
  inspections: { found: boolean; data: Record<string, string> }[];
  interrupts: CellRun[];
}

/** Runs cells, inspections and interrupted cells through jupyter_client (test/clients/run_cells.py). */
async function throughJupyterClient(
  jupyter: JupyterEnv,
  request: { cells: string[]; inspect?: [string, number][]; interrupt?: string[] },
): Promise<ClientRun> {
  const { code, stdout, stderr } = await runCommand(PYTHON, [path.join(projectRoot, 'test', 'clients', 'run_cells.py')], {
    env: jupyter.env,
    input: JSON.stringify(request),
    timeoutMs: 180000,
  });
  assert.equal(code, 0, `run_cells.py failed:\n${stdout}\n${stderr}`);
  return JSON.parse(stdout) as ClientRun;
}

const errorOf = (cell: CellRun | undefined) => cell?.outputs.find((o) => o.msg_type === 'error')?.content as
  | { ename: string; evalue: string; traceback: string[] }
  | undefined;

describe('what a new user tripped over', function () {
  this.timeout(240000);
  let jupyter: JupyterEnv;
  let scratch: string;

  before(async () => {
    jupyter = await JupyterEnv.create();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'sockbook-new-user-'));
  });
  after(() => {
    jupyter?.cleanup();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  describe('in the classic Notebook: a highlighting mode that exists, and C and shell cells highlighted', () => {
    let server: ChildProcess | undefined;
    let base = '';
    let tokenQuery = '';
    let serverLog = '';
    let root = '';

    before(async () => {
      root = mkdtempSync(path.join(os.tmpdir(), 'sockbook-notebook-root-'));
      const port = await freePort();
      const token = randomBytes(12).toString('hex');
      server = spawn(
        PYTHON,
        ['-m', 'notebook', '--allow-root', '--no-browser', `--port=${port}`, '--ip=127.0.0.1', `--NotebookApp.token=${token}`, `--NotebookApp.notebook_dir=${root}`, '--NotebookApp.port_retries=0'],
        { env: jupyter.env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
      server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
      base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 60000;
      for (;;) {
        try {
          if ((await fetch(`${base}/api/status?token=${token}`)).ok) break;
        } catch {
          // not listening yet
        }
        if (server.exitCode !== null) throw new Error(`the classic Notebook (python3 -m notebook, Debian's python3-notebook) exited:\n${serverLog}`);
        if (Date.now() > deadline) throw new Error(`the classic Notebook did not start:\n${serverLog}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      tokenQuery = `token=${token}`;
    });
    after(async () => {
      if (server && server.exitCode === null) {
        const exited = new Promise((r) => server?.once('exit', r));
        server.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      if (root) rmSync(root, { recursive: true, force: true });
    });

    const get = async (url: string) => {
      const response = await fetch(`${base}${url}${url.includes('?') ? '&' : '?'}${tokenQuery}`);
      return { status: response.status, text: await response.text() };
    };

    /** The Notebook's CodeMirror mode index (meta.js), loaded as the page loads it. */
    async function codeMirrorIndex(): Promise<{
      findModeByName(name: string): { mode: string; mime: string } | null;
      findModeByMIME(mime: string): { mode: string; mime: string } | null;
      findModeByExtension(ext: string): { mode: string; mime: string } | null;
    }> {
      const meta = await get('/static/components/codemirror/mode/meta.js');
      assert.equal(meta.status, 200, 'the Notebook serves CodeMirror mode/meta.js');
      const CodeMirror: Record<string, unknown> = { modes: {} };
      vm.runInNewContext(meta.text, { CodeMirror });
      return CodeMirror as never;
    }

    /** The file the Notebook requests for a mode (as its utils.requireCodeMirrorMode does), and whether it is served. */
    async function modeFile(mode: unknown): Promise<{ url: string; editorMode: unknown; status: number; text: string }> {
      const index = await codeMirrorIndex();
      const spec = (typeof mode === 'string' ? {} : mode) as { mode?: string; name?: string; mime?: string };
      const name = typeof mode === 'string' ? mode : String(spec.mode ?? spec.name);
      const info =
        (spec.mode && spec.mime ? { mode: spec.mode, mime: spec.mime } : null) ??
        index.findModeByName(name) ??
        index.findModeByExtension(name.split('.').slice(-1)[0] ?? '') ??
        index.findModeByMIME(name) ??
        { mode: name, mime: name };
      const url = `/static/components/codemirror/mode/${info.mode}/${info.mode}.js`;
      const response = await get(url);
      // What the Notebook's editor is then given: the spec itself when it has a name, else the mode's MIME type.
      const editorMode = typeof mode !== 'string' && spec.name ? mode : info.mime;
      return { url, editorMode, ...response };
    }

    it("kernel_info's codemirror_mode names a mode file the installed Notebook serves (text/typescript did not)", async () => {
      const run = await throughJupyterClient(jupyter, { cells: [] });
      const mode = run.kernel_info.language_info.codemirror_mode;
      const file = await modeFile(mode);
      assert.equal(file.status, 200, `${JSON.stringify(mode)} -> ${file.url}`);
      const notebookDir = (await runCommand(PYTHON, ['-c', 'import notebook, os; print(os.path.dirname(notebook.__file__))'])).stdout.trim();
      assert.ok(existsSync(path.join(notebookDir, 'static', 'components', file.url.replace('/static/components/', ''))), `${file.url} exists on disk`);
      assert.equal((await modeFile('text/typescript')).status, 404, 'the old mode is what made the Notebook request a missing file');

      // The Notebook's CodeMirror, with the mode file it loaded, highlights a cell as TypeScript with that spec.
      const CodeMirror = require(path.join(notebookDir, 'static', 'components', 'codemirror', 'addon', 'runmode', 'runmode.node.js')) as {
        runMode(code: string, spec: unknown, token: (text: string, style: string | null) => void): void;
      };
      vm.runInNewContext(file.text, { CodeMirror });
      const styles = new Map<string, string | null>();
      CodeMirror.runMode('let port: number = 31008;\ninterface Peer { fd: number }', file.editorMode, (text, style) => styles.set(text, style));
      assert.equal(styles.get('number'), 'type', 'a type annotation is highlighted as a type, as only TypeScript does');
      assert.equal(styles.get('interface'), 'keyword');
    });

    it("serves the kernelspec's kernel.js, whose onload highlights %%cpp, %%c, %%bash and ! cells as C and shell", async () => {
      assert.ok(existsSync(path.join(jupyter.prefix, 'share', 'jupyter', 'kernels', 'sockbook', 'kernel.js')), 'install wrote kernel.js');
      const specs = JSON.parse((await get('/api/kernelspecs')).text) as { kernelspecs: Record<string, { resources: Record<string, string> }> };
      const resource = specs.kernelspecs.sockbook?.resources['kernel.js'];
      assert.ok(resource, `the Notebook lists kernel.js in the kernelspec's resources: ${JSON.stringify(specs.kernelspecs.sockbook)}`);
      const kernelJs = await get(resource.replace(/^https?:\/\/[^/]+/, ''));
      assert.equal(kernelJs.status, 200);

      // The module, run as requirejs runs it, against the Notebook's defaults.
      const highlightModes: Record<string, { reg: string[] }> = { magic_javascript: { reg: ['^%%javascript'] }, magic_shell: { reg: ['^%%bash'] } };
      const rehighlighted: string[] = [];
      const cells = [{ cell_type: 'code', auto_highlight: () => rehighlighted.push('code') }, { cell_type: 'markdown', auto_highlight: () => rehighlighted.push('markdown') }];
      let module: { onload?: () => void } | undefined;
      vm.runInNewContext(kernelJs.text, {
        define: (deps: string[], factory: (...args: unknown[]) => { onload?: () => void }) => {
          assert.deepEqual([...deps], ['base/js/namespace', 'notebook/js/codecell']);
          module = factory({ notebook: { get_cells: () => cells } }, { CodeCell: { options_default: { highlight_modes: highlightModes } } });
        },
      });
      assert.ok(module?.onload, 'kernel.js defines an AMD module with onload');
      module.onload();
      assert.deepEqual(rehighlighted, ['code'], 'cells already open are highlighted again');

      // The mode a cell gets by its first line, as Cell._auto_highlight picks it.
      const modeOf = (firstLine: string) => Object.keys(highlightModes).find((mode) => highlightModes[mode]?.reg.some((re) => new RegExp(re).test(firstLine)));
      assert.equal(modeOf('%%cpp server.c'), 'magic_text/x-c++src');
      assert.equal(modeOf('%%c++'), 'magic_text/x-c++src');
      assert.equal(modeOf('%%c -- -O2'), 'magic_text/x-csrc');
      assert.equal(modeOf('%%c'), 'magic_text/x-csrc');
      assert.equal(modeOf('%%bash'), 'magic_shell');
      assert.equal(modeOf('!ls -l'), 'magic_shell');
      assert.equal(modeOf('%%asm add.S'), 'magic_gas');
      assert.equal(modeOf('%%javascript'), 'magic_javascript', "the Notebook's own rules stay");
      assert.equal(modeOf('const cpp = 1;'), undefined, 'TypeScript cells keep the default mode');
      for (const mode of Object.keys(highlightModes)) {
        const file = await modeFile(mode.replace(/^magic_/, ''));
        assert.equal(file.status, 200, `${mode} -> ${file.url}`);
      }

      // The cell bodies, through the Notebook's CodeMirror with the mode files it loads.
      const notebookDir = (await runCommand(PYTHON, ['-c', 'import notebook, os; print(os.path.dirname(notebook.__file__))'])).stdout.trim();
      const CodeMirror = require(path.join(notebookDir, 'static', 'components', 'codemirror', 'addon', 'runmode', 'runmode.node.js')) as {
        runMode(code: string, spec: unknown, token: (text: string, style: string | null) => void): void;
      };
      const styleOf = async (mode: string, code: string, word: string) => {
        vm.runInNewContext((await modeFile(mode)).text, { CodeMirror });
        let style: string | null | undefined;
        CodeMirror.runMode(code, mode, (text, s) => (text === word ? (style = s) : undefined));
        return style;
      };
      assert.equal(await styleOf('text/x-c++src', 'int main(void) { return 0; }', 'int'), 'type');
      assert.equal(await styleOf('text/x-csrc', 'int main(void) { return 0; }', 'return'), 'keyword');
      assert.equal(await styleOf('shell', 'ls -l | grep "x"', '"x"'), 'string');
    });
  });

  describe('through jupyter_client: coloured tracebacks, one interrupt message, cells named as their prompt, ?name with man pages', () => {
    let run: ClientRun;

    before(async () => {
      run = await throughJupyterClient(jupyter, {
        cells: [
          '1',
          'function boom(): never {\n  throw new RangeError("too big");\n}\nboom();',
          '%cd /no/such/directory',
          '?libc.socket',
          '??libc.epoll_wait',
          'socket?',
          '?noSuchNameAnywhere',
        ],
        inspect: [['libc.socket', 'libc.socket'.length]],
        interrupt: ['%%bash\nsleep 30', 'await sleep(30000)'],
      });
    });

    it('colours the traceback lines as IPython does and keeps ename and evalue plain', () => {
      const error = errorOf(run.cells[1]);
      assert.ok(error, JSON.stringify(run.cells[1]));
      assert.equal(error.ename, 'RangeError');
      assert.equal(error.evalue, 'too big');
      assert.equal(error.traceback[0], '\x1b[0;31mRangeError\x1b[0m: too big');
      assert.ok(error.traceback.some((line) => line.includes('\x1b[0;32mcell[')), error.traceback.join('\n'));
      const usage = errorOf(run.cells[2]);
      assert.equal(usage?.ename, 'UsageError');
      assert.ok(!usage.evalue.includes('\x1b'), usage.evalue);
      assert.match(usage.traceback[0] ?? '', /^\x1b\[0;31mUsageError\x1b\[0m: %cd: /);
    });

    it('names the cell in a traceback by its execution count, as the prompt does', () => {
      const cell = run.cells[1];
      const count = cell?.reply.execution_count;
      assert.equal(count, 2);
      const frames = stripAnsi(errorOf(cell)?.traceback.join('\n') ?? '');
      assert.match(frames, /at boom \(cell\[2\]:2:9\)/);
      assert.doesNotMatch(frames, /cell\[(?!2\])/);
    });

    it('ends an interrupted C command and an interrupted TypeScript cell with the same words', () => {
      const [shell, typescript] = run.interrupts.map(errorOf);
      assert.equal(shell?.ename, 'KeyboardInterrupt', JSON.stringify(run.interrupts[0]));
      assert.equal(typescript?.ename, 'KeyboardInterrupt', JSON.stringify(run.interrupts[1]));
      assert.equal(shell.evalue, typescript.evalue);
      assert.equal(stripAnsi(shell.traceback[0] ?? ''), `KeyboardInterrupt: ${shell.evalue}`);
      assert.equal(stripAnsi(typescript.traceback[0] ?? ''), `KeyboardInterrupt: ${typescript.evalue}`);
    });

    it('pages the man page for ?libc.socket, as Shift-Tab shows it', () => {
      const page = run.cells[3]?.reply.payload?.[0];
      assert.equal(page?.source, 'page', JSON.stringify(run.cells[3]));
      const text = page.data['text/plain'] ?? '';
      assert.match(text, /SOCKET\(2\)/);
      assert.match(text, /socket - create an endpoint for communication/);
      assert.equal(text, run.inspections[0]?.data['text/plain'], 'the same text as inspect_request at libc.socket');
    });

    it('pages the whole man page for ??name and a C library name that TypeScript does not know', () => {
      const whole = run.cells[4]?.reply.payload?.[0]?.data['text/plain'] ?? '';
      assert.match(whole, /EPOLL_WAIT\(2\)/);
      assert.match(whole, /RETURN VALUE/);
      const bare = run.cells[5]?.reply.payload?.[0]?.data['text/plain'] ?? '';
      assert.match(bare, /SOCKET\(2\)/, JSON.stringify(run.cells[5]));
    });

    it('says so when there is nothing to show', () => {
      const cell = run.cells[6];
      assert.equal(cell?.reply.status, 'ok');
      assert.equal(cell.reply.payload?.length ?? 0, 0);
      const stdout = cell.outputs.filter((o) => o.msg_type === 'stream').map((o) => String(o.content.text)).join('');
      assert.equal(stdout, 'Object `noSuchNameAnywhere` not found.\n');
    });
  });

  describe('sockbook run on a terminal and to a pipe', () => {
    const cells = [
      "const progress = display.text('step 0', { id: 'progress' });\nfor (let i = 1; i <= 3; i++) {\n  await sleep(30);\n  progress.update(`step ${i}`);\n}",
      '%%cpp broken.c\n%run gcc -Wall broken.c -o broken.exe\nint main(void) { return undefined_name; }',
      "!printf '\\033[31mred\\033[0m\\n'",
    ];
    let notebook = '';

    before(() => {
      notebook = path.join(scratch, 'updates.ipynb');
      const nb = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: cells.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
      };
      writeFileSync(notebook, JSON.stringify(nb));
    });

    const savedOutputs = (file: string) =>
      (JSON.parse(readFileSync(file, 'utf8')) as { cells: { outputs: { output_type: string; text?: string | string[]; data?: Record<string, string | string[]> }[] }[] }).cells;
    const joined = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join('') : value ?? '');

    it('to a pipe: prints the last value of an updated display at the cell end, and no colour codes', async () => {
      const out = path.join(scratch, 'piped.ipynb');
      const { code, stdout, stderr } = await runCommand(process.execPath, [SOCKBOOK, 'run', notebook, '-o', out], { cwd: scratch, timeoutMs: 120000 });
      assert.equal(code, 0, stdout + stderr);
      assert.match(stdout, /step 0\n/);
      assert.match(stdout, /\[updated\] step 3\n/);
      assert.doesNotMatch(stdout, /step [12]/, 'off a terminal only the last value is printed');
      assert.match(stdout, /error: .undefined_name. undeclared/);
      assert.match(stdout, /\nred\n/);
      assert.doesNotMatch(stdout, /\x1b\[/, 'no escape sequences in piped output');
      const saved = savedOutputs(out);
      assert.equal(joined(saved[0]?.outputs[0]?.data?.['text/plain']), 'step 3');
      const gcc = saved[1]?.outputs.filter((o) => o.output_type === 'stream').map((o) => joined(o.text)).join('') ?? '';
      assert.match(gcc, /\x1b\[[0-9;]*m/, 'the notebook keeps gcc\'s colours');
      assert.match(saved[2]?.outputs.map((o) => joined(o.text)).join('') ?? '', /\x1b\[31mred\x1b\[0m/);
    });

    it('on a terminal: redraws the updated display in place and keeps the colours', async () => {
      const out = path.join(scratch, 'tty.ipynb');
      const command = [process.execPath, SOCKBOOK, 'run', notebook, '-o', out].map((word) => `'${word}'`).join(' ');
      // script(1) gives the run a pseudo-terminal for its stdout.
      const { code, stdout, stderr } = await runCommand('script', ['-qfec', command, '/dev/null'], { cwd: scratch, timeoutMs: 120000 });
      assert.equal(code, 0, stdout + stderr);
      const text = stdout.replace(/\r\n/g, '\n');
      assert.match(text, /step 0\n\x1b\[1F\x1b\[Jstep 1\n\x1b\[1F\x1b\[Jstep 2\n\x1b\[1F\x1b\[Jstep 3\n/);
      assert.match(text, /\x1b\[31mred\x1b\[0m/);
      assert.equal(joined(savedOutputs(out)[0]?.outputs[0]?.data?.['text/plain']), 'step 3');
    });

    it('says a missing notebook is missing, without an errno code', async () => {
      const { code, stderr } = await runCommand(process.execPath, [SOCKBOOK, 'run', 'missing.ipynb'], { cwd: scratch });
      assert.equal(code, 2);
      assert.equal(stderr, 'sockbook: missing.ipynb: no such file; nothing was run\n');
    });

    it('lists every option in run --help', async () => {
      const { code, stdout } = await runCommand(process.execPath, [SOCKBOOK, 'run', '--help']);
      assert.equal(code, 0);
      const source = readFileSync(path.join(projectRoot, 'kernel', 'cli', 'run', 'options.ts'), 'utf8');
      const declared = [...source.matchAll(/^\s+'?([a-z][a-z-]*)'?: \{ type: '(?:string|boolean)'/gm)].map((m) => m[1] ?? '');
      assert.ok(declared.length >= 15, `options found in options.ts: ${declared.join(' ')}`);
      for (const option of declared) assert.match(stdout, new RegExp(`--${option}\\b`), `--${option} in run --help`);
    });
  });

  describe('sockbook install --prefix P', () => {
    it('says to add P/share/jupyter to JUPYTER_PATH, and Jupyter finds the kernel once it is there', async () => {
      const prefix = path.join(scratch, 'prefix');
      const dataDir = path.join(prefix, 'share', 'jupyter');
      const { JUPYTER_PATH: _unset, ...withoutPath } = jupyter.env;
      void _unset;
      const plain = await runCommand(process.execPath, [SOCKBOOK, 'install', '--prefix', prefix, '--name', 'sockbook-new-user'], { env: withoutPath });
      assert.equal(plain.code, 0, plain.stderr);
      assert.match(plain.stdout, new RegExp(`Jupyter does not look in ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: add it to JUPYTER_PATH`));
      const unseen = await runCommand('jupyter', ['kernelspec', 'list', '--json'], { env: withoutPath });
      assert.equal((JSON.parse(unseen.stdout) as { kernelspecs: Record<string, unknown> }).kernelspecs['sockbook-new-user'], undefined);

      const withPath = { ...withoutPath, JUPYTER_PATH: dataDir };
      const again = await runCommand(process.execPath, [SOCKBOOK, 'install', '--prefix', prefix, '--name', 'sockbook-new-user'], { env: withPath });
      assert.equal(
        again.stdout,
        `installed kernelspec sockbook-new-user in ${path.join(dataDir, 'kernels', 'sockbook-new-user')}\n` +
          `installed the JupyterLab extension sockbook-highlight in ${path.join(dataDir, 'labextensions', 'sockbook-highlight')}\n`,
      );
      const seen = await runCommand('jupyter', ['kernelspec', 'list', '--json'], { env: withPath });
      const spec = (JSON.parse(seen.stdout) as { kernelspecs: Record<string, { resource_dir: string }> }).kernelspecs['sockbook-new-user'];
      assert.equal(spec?.resource_dir, path.join(dataDir, 'kernels', 'sockbook-new-user'));
    });

    it('the README says so, and how to open the lessons in a browser', () => {
      const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
      assert.match(readme, /--prefix P[\s\S]{0,200}JUPYTER_PATH/);
      assert.match(readme, /\/usr\/bin\/python3 -m notebook/);
    });
  });

  describe('the level- vs edge-triggered table of notebooks/epoll.ipynb', () => {
    /** Column separators of a table row as GFM counts them: every `|` not escaped, inside code spans too. */
    function separators(row: string): number {
      let count = 0;
      for (let i = 0; i < row.length; i++) {
        if (row[i] === '\\') i++;
        else if (row[i] === '|') count++;
      }
      return count;
    }

    function markdownTexts(): string[] {
      const nb = JSON.parse(readFileSync(path.join(projectRoot, 'notebooks', 'epoll.ipynb'), 'utf8')) as {
        cells: { cell_type: string; source: string | string[]; outputs?: { data?: Record<string, string | string[]> }[] }[];
      };
      const texts: string[] = [];
      const join = (v: string | string[]) => (Array.isArray(v) ? v.join('') : v);
      for (const cell of nb.cells) {
        if (cell.cell_type === 'markdown') texts.push(join(cell.source));
        for (const output of cell.outputs ?? []) if (output.data?.['text/markdown'] !== undefined) texts.push(join(output.data['text/markdown']));
      }
      return texts;
    }

    const tables = (text: string) => text.split(/\n(?!\|)/).map((block) => block.split('\n').filter((line) => line.startsWith('|'))).filter((rows) => rows.length > 1);

    it('has the same number of columns in every row, with no escaped | for renderers to disagree on', () => {
      const all = markdownTexts().flatMap(tables);
      const wakeups = all.find((rows) => rows[0]?.includes('edge-triggered'));
      assert.ok(wakeups, 'the executed notebook shows the level/edge table');
      for (const rows of all) {
        // Renderers disagree on `\|` in a code span (the classic Notebook split the row there): no row may need it.
        for (const row of rows) assert.doesNotMatch(row, /\\\|/, row);
        const counts = rows.map(separators);
        assert.ok(counts.every((n) => n === counts[0]), `${rows.join('\n')}\n-> ${counts.join(', ')}`);
      }
    });

    it("renders with two columns in every row through the classic Notebook's marked", async () => {
      const notebookDir = (await runCommand(PYTHON, ['-c', 'import notebook, os; print(os.path.dirname(notebook.__file__))'])).stdout.trim();
      const markedFile = path.join(notebookDir, 'static', 'components', 'marked', 'lib', 'marked.js');
      assert.ok(existsSync(markedFile), `the classic Notebook's marked (python3-notebook) at ${markedFile}`);
      const { marked } = require(markedFile) as { marked: { parse(text: string): string } };
      const text = markdownTexts().find((t) => t.includes('edge-triggered ('));
      assert.ok(text);
      const html = marked.parse(text);
      const rows = html.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
      assert.ok(rows.length > 2, html);
      for (const row of rows) assert.equal(row.match(/<t[hd][ >]/g)?.length, 2, row);
    });
  });
});
