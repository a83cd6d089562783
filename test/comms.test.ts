import * as assert from 'node:assert/strict';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { JupyterServer } from './support/jupyter-server';
import { until } from './support/processes';
import { useKernel } from './support/kernel-fixture';

/*
 * Two-way comms between TypeScript cells and a frontend, through a real
 * jupyter server with @jupyterlab/services (what JupyterLab and widgets use).
 */

async function run(kernel: Kernel.IKernelConnection, code: string): Promise<{ status: string; msgId: string; outputs: KernelMessage.IIOPubMessage[] }> {
  const outputs: KernelMessage.IIOPubMessage[] = [];
  const future = kernel.requestExecute({ code, stop_on_error: true });
  future.onIOPub = (msg) => {
    if (msg.header.msg_type !== 'status') outputs.push(msg);
  };
  const reply = await future.done;
  return { status: String(reply?.content.status), msgId: future.msg.header.msg_id, outputs };
}

function resultOf(outputs: KernelMessage.IIOPubMessage[]): string {
  const result = outputs.find((m) => m.header.msg_type === 'execute_result');
  const error = outputs.find((m) => m.header.msg_type === 'error');
  assert.ok(result, `an execute_result, got ${JSON.stringify(error?.content ?? outputs.map((m) => m.header.msg_type))}`);
  return String((result.content as KernelMessage.IExecuteResultMsg['content']).data['text/plain']);
}

describe('two-way comms from TypeScript cells, through a jupyter server and @jupyterlab/services', function () {
  this.timeout(120000);
  let jupyter: JupyterServer;
  let kernel: Kernel.IKernelConnection;

  before(async () => {
    jupyter = await JupyterServer.start();
    kernel = await jupyter.manager.startNew({ name: 'sockbook' });
    await kernel.info;
  });
  after(async () => {
    kernel?.dispose();
    await jupyter?.stop();
  });

  it('a target registered by a cell gets the comm the frontend opens, and echoes its messages', async () => {
    const registered = await run(
      kernel,
      `comm.registerTarget('echo', (c, msg) => {
         c.send({ opened: msg.data });
         c.on('msg', (m) => c.send({ echo: m.data }));
         c.on('close', (m) => { (globalThis as any).echoClosedWith = m.data; });
       });`,
    );
    assert.equal(registered.status, 'ok');

    const received: { data: unknown; parent: string }[] = [];
    const echo = kernel.createComm('echo');
    echo.onMsg = (msg) => {
      received.push({ data: msg.content.data, parent: String(msg.parent_header && 'msg_type' in msg.parent_header ? msg.parent_header.msg_type : '') });
    };
    echo.open({ hello: 'kernel' });
    assert.ok(await until(() => received.length === 1, 20000), 'the answer to comm_open');
    assert.deepEqual(received[0], { data: { opened: { hello: 'kernel' } }, parent: 'comm_open' });

    echo.send({ n: 1, text: 'ping' });
    assert.ok(await until(() => received.length === 2, 20000), 'the echo');
    assert.deepEqual(received[1], { data: { echo: { n: 1, text: 'ping' } }, parent: 'comm_msg' });

    const info = await kernel.requestCommInfo({ target_name: 'echo' });
    assert.equal(info.content.status, 'ok');
    assert.deepEqual((info.content as KernelMessage.ICommInfoReply).comms, { [echo.commId]: { target_name: 'echo' } });

    echo.close({ bye: true });
    const closed = await run(kernel, 'for (let i = 0; i < 100 && !(globalThis as any).echoClosedWith; i++) await sleep(50); (globalThis as any).echoClosedWith');
    assert.equal(resultOf(closed.outputs), '{ bye: true }');
    const after = await kernel.requestCommInfo({});
    assert.deepEqual((after.content as KernelMessage.ICommInfoReply).comms, {});
  });

  it('a cell opens a comm to a target the frontend registered; the frontend gets its data and its reply reaches the cell', async () => {
    const opened: { data: unknown; parent: string }[] = [];
    const fromKernel: unknown[] = [];
    kernel.registerCommTarget('frontend', (frontendComm, openMsg) => {
      opened.push({ data: openMsg.content.data, parent: 'msg_type' in openMsg.parent_header ? openMsg.parent_header.msg_type : '' });
      frontendComm.onMsg = (msg) => {
        fromKernel.push(msg.content.data);
        frontendComm.send({ reply: msg.content.data });
      };
    });
    const cell = await run(
      kernel,
      `const toFrontend = comm.open('frontend', { from: 'cell' });
       toFrontend.on('msg', (m) => { (globalThis as any).frontendSaid = m.data; });
       toFrontend.send({ ping: 1 });
       toFrontend.id`,
    );
    assert.equal(cell.status, 'ok');
    const commId = resultOf(cell.outputs).replace(/'/g, '');
    assert.deepEqual(opened, [{ data: { from: 'cell' }, parent: 'execute_request' }]);
    assert.ok(await until(() => fromKernel.length === 1, 20000), 'the cell\'s message at the frontend');
    assert.deepEqual(fromKernel, [{ ping: 1 }]);

    const answer = await run(kernel, 'for (let i = 0; i < 100 && !(globalThis as any).frontendSaid; i++) await sleep(50); (globalThis as any).frontendSaid');
    assert.equal(resultOf(answer.outputs), '{ reply: { ping: 1 } }');

    const info = await kernel.requestCommInfo({});
    assert.deepEqual((info.content as KernelMessage.ICommInfoReply).comms, { [commId]: { target_name: 'frontend' } });
    const none = await kernel.requestCommInfo({ target_name: 'echo' });
    assert.deepEqual((none.content as KernelMessage.ICommInfoReply).comms, {});
  });

  it('closes a comm the frontend opens to a target nobody registered', async () => {
    const stray = kernel.createComm('nobody-here');
    let closedBy: unknown;
    stray.onClose = (msg) => {
      closedBy = msg.header.msg_type;
    };
    stray.open({});
    assert.ok(await until(() => closedBy !== undefined, 20000), 'comm_close for the unknown target');
    assert.equal(closedBy, 'comm_close');
  });
});

describe('comms while the first cell still owes a notice (isolation refused)', function () {
  this.timeout(120000);
  // An isolation setting the kernel cannot follow: it runs without, and tells the first visible cell.
  const client = useKernel({ env: { SOCKBOOK_ISOLATE: 'no-such-isolation' } });

  it('a comm the frontend opens reaches the target a cell registered, and comm_info lists it', async () => {
    // Silent, so the notice is still pending when the comm opens.
    const registered = await client.execute(`comm.registerTarget('echo', (c, msg) => { c.send({ opened: msg.data }); c.on('msg', (m) => c.send({ echo: m.data })); });`, { silent: true });
    assert.equal(registered.reply.content.status, 'ok');

    const commId = 'c0ffee00c0ffee00c0ffee00c0ffee00';
    const openId = await client.send('shell', 'comm_open', { comm_id: commId, target_name: 'echo', data: { hello: 'kernel' } });
    const fromKernel = (parent: string) => client.outputsOf(parent).filter((m) => m.header.msg_type.startsWith('comm_'));
    await client.waitFor(() => fromKernel(openId).length > 0);
    assert.deepEqual(fromKernel(openId).map((m) => [m.header.msg_type, m.content.data]), [['comm_msg', { opened: { hello: 'kernel' } }]]);

    const msgId = await client.send('shell', 'comm_msg', { comm_id: commId, data: { ping: 1 } });
    await client.waitFor(() => fromKernel(msgId).length > 0);
    assert.deepEqual(fromKernel(msgId).map((m) => [m.header.msg_type, m.content.data]), [['comm_msg', { echo: { ping: 1 } }]]);

    const info = await client.request('shell', 'comm_info_request', { target_name: 'echo' });
    assert.deepEqual(info.content.comms, { [commId]: { target_name: 'echo' } });

    // The notice was pending all along: the first visible cell shows it.
    const visible = await client.execute('1 + 1');
    const notice = visible.outputs.filter((m) => m.header.msg_type === 'display_data').map((m) => String((m.content.data as Record<string, unknown>)['text/plain']));
    assert.equal(notice.length, 1, `one notice, got ${JSON.stringify(visible.outputs.map((m) => m.header.msg_type))}`);
    assert.match(notice[0], /SOCKBOOK_ISOLATE: unknown isolation 'no-such-isolation'/);
  });
});
