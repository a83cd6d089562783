import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PYTHON, type JupyterEnv } from './jupyter-env';
import { childProcesses, endProcesses, processRef } from './pids';
import { freePort } from './kernel-client';

/**
 * Debian's classic Notebook (python3-notebook; Debian has no `jupyter
 * notebook` command, so `python3 -m notebook`) serving one directory.
 */
export class NotebookServer {
  log = '';

  private constructor(
    private readonly process: ChildProcess,
    readonly baseUrl: string,
    readonly token: string,
  ) {
    process.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    process.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
  }

  static async start(jupyter: JupyterEnv, notebookDir: string): Promise<NotebookServer> {
    const port = await freePort();
    const token = randomBytes(12).toString('hex');
    const child = spawn(
      PYTHON,
      ['-m', 'notebook', '--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, '--NotebookApp.port_retries=0', `--NotebookApp.token=${token}`, `--notebook-dir=${notebookDir}`],
      { env: jupyter.env, cwd: notebookDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new NotebookServer(child, `http://127.0.0.1:${port}`, token);
    const deadline = Date.now() + 60000;
    for (;;) {
      if (!server.running()) throw new Error(`the notebook server exited (${child.exitCode}):\n${server.log}`);
      try {
        if ((await fetch(server.url('/api/status'))).ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`the notebook server did not start within 60 s:\n${server.log}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** A URL of the server, with the token. */
  url(pathname: string): string {
    return `${this.baseUrl}${pathname}${pathname.includes('?') ? '&' : '?'}token=${this.token}`;
  }

  /** Shuts the kernels down through the REST API, then ends the server (and any kernel left) by pid. */
  async stop(): Promise<void> {
    const pid = this.process.pid;
    if (pid === undefined || !this.running()) return;
    try {
      const kernels = (await (await fetch(this.url('/api/kernels'))).json()) as { id: string }[];
      await Promise.all(kernels.map((k) => fetch(this.url(`/api/kernels/${k.id}`), { method: 'DELETE' })));
    } catch {
      // the server may not answer; the kernels are ended by pid below
    }
    const kernels = childProcesses(pid);
    const exited = new Promise((r) => this.process.once('exit', r));
    await endProcesses([processRef(pid)], 10000);
    if (this.running()) await exited;
    await endProcesses(kernels);
  }

  private running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }
}
