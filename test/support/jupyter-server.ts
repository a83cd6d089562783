import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KernelManager, ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';
import { JupyterEnv } from './jupyter-env';
import { freePort } from './kernel-client';

/** A real `jupyter server` with the sockbook kernelspec, and a @jupyterlab/services KernelManager talking to it. */
export class JupyterServer {
  private constructor(
    readonly manager: KernelManager,
    private readonly server: ChildProcess,
    private readonly jupyter: JupyterEnv,
    private readonly root: string,
    readonly log: () => string,
  ) {}

  static async start(): Promise<JupyterServer> {
    const jupyter = await JupyterEnv.create();
    const root = mkdtempSync(path.join(os.tmpdir(), 'sockbook-server-root-'));
    const port = await freePort();
    const token = randomBytes(12).toString('hex');
    let log = '';
    const server = spawn(
      'jupyter',
      ['server', '--allow-root', '--no-browser', `--port=${port}`, '--ip=127.0.0.1', `--ServerApp.token=${token}`, `--ServerApp.root_dir=${root}`, '--ServerApp.port_retries=0'],
      { env: jupyter.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const stop = async () => {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGTERM');
        await new Promise((resolve) => server.once('exit', resolve));
      }
      jupyter.cleanup();
      rmSync(root, { recursive: true, force: true });
    };
    try {
      const deadline = Date.now() + 30000;
      for (;;) {
        const up = await fetch(`http://127.0.0.1:${port}/api/status?token=${token}`).then((r) => r.ok, () => false);
        if (up) break;
        if (server.exitCode !== null || Date.now() > deadline) throw new Error(`jupyter server did not start:\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const serverSettings = ServerConnection.makeSettings({
        baseUrl: `http://127.0.0.1:${port}/`,
        wsUrl: `ws://127.0.0.1:${port}/`,
        token,
        appendToken: true,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      });
      const manager = new KernelManager({ serverSettings });
      await manager.ready;
      return new JupyterServer(manager, server, jupyter, root, () => log);
    } catch (error) {
      await stop();
      throw error;
    }
  }

  /** Shuts every kernel down, then the server, and removes its directories. */
  async stop(): Promise<void> {
    try {
      await this.manager.shutdownAll();
      this.manager.dispose();
    } finally {
      if (this.server.exitCode === null && this.server.signalCode === null) {
        this.server.kill('SIGTERM');
        await new Promise((resolve) => this.server.once('exit', resolve));
      }
      this.jupyter.cleanup();
      rmSync(this.root, { recursive: true, force: true });
    }
  }
}
