import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KernelManager, KernelMessage, ServerConnection, Kernel } from '@jupyterlab/services';
import WebSocket from 'ws';
import { JupyterEnv } from './support/jupyter-env';
import { freePort } from './support/kernel-client';

/** Runs code through @jupyterlab/services and collects what JupyterLab would render. */
async function run(kernel: Kernel.IKernelConnection, code: string): Promise<{ status: string; outputs: KernelMessage.IIOPubMessage[] }> {
  const outputs: KernelMessage.IIOPubMessage[] = [];
  const future = kernel.requestExecute({ code, stop_on_error: true });
  future.onIOPub = (msg) => {
    if (msg.header.msg_type !== 'status') outputs.push(msg);
  };
  const reply = await future.done;
  return { status: String(reply?.content.status), outputs };
}

const streamText = (outputs: KernelMessage.IIOPubMessage[]) =>
  outputs
    .filter((m) => m.header.msg_type === 'stream')
    .map((m) => (m.content as KernelMessage.IStreamMsg['content']).text)
    .join('');

describe('through a real jupyter server with @jupyterlab/services', function () {
  this.timeout(120000);
  let jupyter: JupyterEnv;
  let server: ChildProcess | undefined;
  let root: string;
  let manager: KernelManager;
  let serverLog = '';

  before(async () => {
    jupyter = await JupyterEnv.create();
    root = mkdtempSync(path.join(os.tmpdir(), 'sockbook-server-root-'));
    const port = await freePort();
    const token = randomBytes(12).toString('hex');
    server = spawn(
      'jupyter',
      ['server', '--allow-root', '--no-browser', `--port=${port}`, '--ip=127.0.0.1', `--ServerApp.token=${token}`, `--ServerApp.root_dir=${root}`, '--ServerApp.port_retries=0'],
      { env: jupyter.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
    const serverSettings = ServerConnection.makeSettings({
      baseUrl: `http://127.0.0.1:${port}/`,
      wsUrl: `ws://127.0.0.1:${port}/`,
      token,
      appendToken: true,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    const deadline = Date.now() + 30000;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/status?token=${token}`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`jupyter server did not start:\n${serverLog}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    manager = new KernelManager({ serverSettings });
    await manager.ready;
  });

  after(async () => {
    try {
      await manager?.shutdownAll();
      manager?.dispose();
    } finally {
      if (server && server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((r) => server?.once('exit', r));
      }
      jupyter?.cleanup();
      if (root) rmSync(root, { recursive: true, force: true });
    }
  });

  it('starts sockbook, runs cells, interrupts, restarts and shuts it down', async () => {
    const kernel = await manager.startNew({ name: 'sockbook' });
    try {
      const info = await kernel.info;
      assert.equal(info.implementation, 'sockbook');
      assert.equal(info.language_info.name, 'typescript');

      const first = await run(kernel, 'const n = 21; console.log(n * 2)');
      assert.equal(first.status, 'ok');
      assert.equal(streamText(first.outputs), '42\n');

      const shown = await run(kernel, 'display.markdown("**hi**")');
      assert.ok(shown.outputs.some((m) => m.header.msg_type === 'display_data'));

      const busy = run(kernel, 'while (true) {}');
      await new Promise((r) => setTimeout(r, 500));
      await kernel.interrupt();
      const interrupted = await busy;
      assert.equal(interrupted.status, 'error');
      const error = interrupted.outputs.find((m) => m.header.msg_type === 'error');
      assert.equal((error?.content as KernelMessage.IErrorMsg['content']).ename, 'KeyboardInterrupt');

      await kernel.restart();
      const fresh = await run(kernel, 'typeof n');
      const result = fresh.outputs.find((m) => m.header.msg_type === 'execute_result');
      assert.equal((result?.content as KernelMessage.IExecuteResultMsg['content']).data['text/plain'], "'undefined'");

      await kernel.shutdown();
      assert.equal(kernel.status, 'dead');
    } finally {
      kernel.dispose();
    }
  });
});
