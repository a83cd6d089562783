import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { JupyterServer } from './support/jupyter-server';

/*
 * The `widgets` built-in over the widget protocol (ipywidgets 8, protocol
 * 2.1), through a real jupyter server with @jupyterlab/services: this test
 * plays the part of @jupyter-widgets/jupyterlab-manager, sending what it
 * sends (update with echo, request_state, custom clicks, the control comm of
 * a reloaded page) and checking what JupyterLab would get back.
 */

type Iopub = KernelMessage.IIOPubMessage;
type CommOpen = KernelMessage.ICommOpenMsg<'iopub'>;
type CommMsg = KernelMessage.ICommMsgMsg<'iopub'>;
type WidgetState = Record<string, unknown>;

async function run(kernel: Kernel.IKernelConnection, code: string): Promise<{ status: string; msgId: string; outputs: Iopub[] }> {
  const outputs: Iopub[] = [];
  const future = kernel.requestExecute({ code, stop_on_error: true });
  future.onIOPub = (msg) => {
    if (msg.header.msg_type !== 'status') outputs.push(msg);
  };
  const reply = await future.done;
  const error = outputs.find((m) => m.header.msg_type === 'error');
  return { status: String(reply?.content.status) + (error ? ` ${JSON.stringify(error.content)}` : ''), msgId: future.msg.header.msg_id, outputs };
}

async function until(what: string, predicate: () => boolean, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The widget a display_data or execute_result shows, if it shows one. */
function viewOf(m: Iopub): { model_id: string } | undefined {
  if (m.header.msg_type !== 'execute_result' && m.header.msg_type !== 'display_data') return undefined;
  return (m.content as KernelMessage.IDisplayDataMsg['content']).data['application/vnd.jupyter.widget-view+json'] as { model_id: string } | undefined;
}

/**
 * Messages as [type, content] pairs, with consecutive stream texts of one
 * name joined (the pipes may deliver two writes as one message).
 */
function sequence(messages: Iopub[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const m of messages) {
    if (m.header.msg_type === 'stream') {
      const { name, text } = m.content as KernelMessage.IStreamMsg['content'];
      const last = out[out.length - 1];
      if (last && last[0] === `stream ${name}`) last[1] = `${String(last[1])}${text}`;
      else out.push([`stream ${name}`, text]);
    } else if (m.header.msg_type === 'comm_msg') out.push(['comm_msg', (m.content as CommMsg['content']).data]);
    else out.push([m.header.msg_type, undefined]);
  }
  return out;
}

const resultText = (outputs: Iopub[]) =>
  String((outputs.find((m) => m.header.msg_type === 'execute_result')?.content as KernelMessage.IExecuteResultMsg['content'] | undefined)?.data['text/plain']);

describe('widgets from TypeScript cells, as ipywidgets 8 frontends speak them', function () {
  this.timeout(180000);
  let jupyter: JupyterServer;
  let kernel: Kernel.IKernelConnection;
  /** Every iopub message, in order. */
  const iopub: Iopub[] = [];
  /** The frontend's side of each widget comm the kernel opened, by comm id. */
  const frontendComms = new Map<string, Kernel.IComm>();
  const opened: CommOpen[] = [];
  /** Where the test's C program is built. */
  const work = mkdtempSync(path.join(os.tmpdir(), 'sockbook-widgets-'));

  const commMsgs = (commId: string) =>
    iopub.filter((m): m is CommMsg => m.header.msg_type === 'comm_msg' && (m.content as CommMsg['content']).comm_id === commId);
  const stateOf = (commId: string): WidgetState => {
    const open = opened.find((m) => m.content.comm_id === commId);
    assert.ok(open, `a comm_open for ${commId}`);
    return open.content.data.state as WidgetState;
  };
  /** The frontend's model of a widget: its comm_open state with every update applied. */
  const modelOf = (commId: string): WidgetState => {
    const model = { ...stateOf(commId) };
    for (const m of commMsgs(commId)) {
      const data = m.content.data as { method: string; state?: WidgetState };
      if (data.method === 'update' && data.state) Object.assign(model, data.state);
    }
    return model;
  };
  const widgetId = (outputs: Iopub[]): string => {
    const view = outputs.map(viewOf).find((v) => v !== undefined);
    assert.ok(view, `a widget view among ${JSON.stringify(outputs.map((m) => m.content))}`);
    return view.model_id;
  };
  const value = async (expression: string) => resultText((await run(kernel, expression)).outputs);

  before(async () => {
    jupyter = await JupyterServer.start();
    kernel = await jupyter.manager.startNew({ name: 'sockbook' });
    await kernel.info;
    kernel.iopubMessage.connect((_, msg) => {
      iopub.push(msg);
    });
    kernel.registerCommTarget('jupyter.widget', (comm, msg) => {
      frontendComms.set(comm.commId, comm);
      opened.push(msg as CommOpen);
    });
  });
  after(async () => {
    kernel?.dispose();
    await jupyter?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('an IntSlider opens its layout, style and slider models with protocol 2.1, and is displayed as a widget view', async () => {
    const cell = await run(kernel, `const slider = widgets.IntSlider({ value: 5, max: 10, description: 'clients' }); slider`);
    assert.equal(cell.status, 'ok');
    const id = widgetId(cell.outputs);
    const plain = (cell.outputs.find((m) => m.header.msg_type === 'execute_result')?.content as KernelMessage.IExecuteResultMsg['content']).data['text/plain'];
    assert.equal(plain, 'IntSlider(description="clients", max=10, value=5)');

    const opens = cell.outputs.filter((m): m is CommOpen => m.header.msg_type === 'comm_open');
    assert.deepEqual(
      opens.map((m) => [m.content.target_name, (m.content.data.state as WidgetState)._model_name, m.metadata]),
      [
        ['jupyter.widget', 'LayoutModel', { version: '2.1.0' }],
        ['jupyter.widget', 'SliderStyleModel', { version: '2.1.0' }],
        ['jupyter.widget', 'IntSliderModel', { version: '2.1.0' }],
      ],
    );
    // The comm_opens come before the display that names the model, as the widget manager needs.
    const order = cell.outputs.map((m) => m.header.msg_type);
    assert.ok(order.lastIndexOf('comm_open') < order.indexOf('execute_result'));
    const state = stateOf(id);
    assert.deepEqual(opens[2].content.data.buffer_paths, []);
    assert.equal(state.layout, `IPY_MODEL_${opens[0].content.comm_id}`);
    assert.equal(state.style, `IPY_MODEL_${opens[1].content.comm_id}`);
    assert.equal(state._model_module, '@jupyter-widgets/controls');
    assert.equal(state._model_module_version, '2.0.0');
    assert.equal(state._view_name, 'IntSliderView');
    assert.deepEqual([state.value, state.min, state.max, state.step, state.description], [5, 0, 10, 1, 'clients']);
    assert.equal((opens[0].content.data.state as WidgetState)._model_module, '@jupyter-widgets/base');
  });

  it("the frontend's update is echoed (echo_update, parented to the update), sets .value and fires the observer", async () => {
    const setUp = await run(kernel, `const seen: number[] = []; slider.observe((change) => { seen.push(change.new as number); });`);
    assert.equal(setUp.status, 'ok');
    const id = widgetId((await run(kernel, 'slider')).outputs);
    const comm = frontendComms.get(id);
    assert.ok(comm, 'the frontend has the slider comm');
    const update = comm.send({ method: 'update', state: { value: 7 }, buffer_paths: [] });
    const updateId = update.msg.header.msg_id;
    await update.done;
    const answers = iopub.filter((m) => m.parent_header && (m.parent_header as KernelMessage.IHeader).msg_id === updateId && m.header.msg_type === 'comm_msg');
    assert.deepEqual(
      answers.map((m) => m.content),
      [{ comm_id: id, data: { method: 'echo_update', state: { value: 7 }, buffer_paths: [] } }],
      'only the echo: the value the frontend sent is not sent back',
    );
    assert.equal(await value('slider.value'), '7');
    assert.equal(await value('seen'), '[ 7 ]');
  });

  it('setting .value in a cell sends an update; a value past max is held to max both ways', async () => {
    const id = widgetId((await run(kernel, 'slider')).outputs);
    const before = commMsgs(id).length;
    const cell = await run(kernel, 'slider.value = 3; slider.value = 99; slider.value');
    assert.equal(resultText(cell.outputs), '10');
    assert.deepEqual(
      commMsgs(id).slice(before).map((m) => m.content.data),
      [
        { method: 'update', state: { value: 3 }, buffer_paths: [] },
        { method: 'update', state: { value: 10 }, buffer_paths: [] },
      ],
    );
    assert.equal(modelOf(id).value, 10);

    // The frontend sends a value the kernel corrects: echo, then the corrected value.
    const comm = frontendComms.get(id)!;
    const update = comm.send({ method: 'update', state: { value: 500 }, buffer_paths: [] });
    await update.done;
    const answers = iopub.filter((m) => (m.parent_header as KernelMessage.IHeader).msg_id === update.msg.header.msg_id && m.header.msg_type === 'comm_msg');
    assert.deepEqual(
      answers.map((m) => (m.content as CommMsg['content']).data),
      [
        { method: 'echo_update', state: { value: 500 }, buffer_paths: [] },
        { method: 'update', state: { value: 10 }, buffer_paths: [] },
      ],
    );
    // A value of the wrong type: an error on stderr, the model's value sent back, and the kernel keeps answering.
    const bad = comm.send({ method: 'update', state: { value: 'many' }, buffer_paths: [] });
    await bad.done;
    const badAnswers = iopub.filter((m) => (m.parent_header as KernelMessage.IHeader).msg_id === bad.msg.header.msg_id);
    assert.ok(badAnswers.some((m) => m.header.msg_type === 'stream' && /IntSlider\.value takes a number/.test(String((m.content as KernelMessage.IStreamMsg['content']).text))));
    assert.deepEqual((badAnswers.filter((m) => m.header.msg_type === 'comm_msg').pop()?.content as CommMsg['content']).data, { method: 'update', state: { value: 10 }, buffer_paths: [] });
    assert.equal(await value('slider.value'), '10');
  });

  it('layout and style are models of their own, set from options or properties', async () => {
    const cell = await run(
      kernel,
      `const framed = widgets.Button({ description: 'b', layout: { border: '1px solid red', maxWidth: '200px' }, style: { buttonColor: 'lightgreen' } });
       framed.layout.width = '150px';
       framed.style.fontWeight = 'bold';
       framed`,
    );
    assert.equal(cell.status, 'ok');
    const state = stateOf(widgetId(cell.outputs));
    const layoutId = String(state.layout).replace('IPY_MODEL_', '');
    const styleId = String(state.style).replace('IPY_MODEL_', '');
    const layout = modelOf(layoutId);
    assert.deepEqual(
      [layout.border_top, layout.border_right, layout.border_bottom, layout.border_left, layout.max_width, layout.width],
      ['1px solid red', '1px solid red', '1px solid red', '1px solid red', '200px', '150px'],
    );
    assert.deepEqual([modelOf(styleId)._model_name, modelOf(styleId).button_color, modelOf(styleId).font_weight], ['ButtonStyleModel', 'lightgreen', 'bold']);
    const wrong = await run(kernel, `widgets.Label({ layout: { colour: 'red' } })`);
    assert.match(wrong.status, /error.*Layout has no property 'colour'/);
  });

  it('request_state is answered with the full state, parented to the request', async () => {
    const id = widgetId((await run(kernel, 'slider')).outputs);
    const request = frontendComms.get(id)!.send({ method: 'request_state' });
    await request.done;
    const answer = iopub.find((m) => (m.parent_header as KernelMessage.IHeader).msg_id === request.msg.header.msg_id && m.header.msg_type === 'comm_msg');
    const data = (answer?.content as CommMsg['content']).data as { method: string; state: WidgetState; buffer_paths: unknown[] };
    assert.equal(data.method, 'update');
    assert.deepEqual(Object.keys(data.state).sort(), Object.keys(stateOf(id)).sort());
    assert.equal(data.state.value, 10);
  });

  it("a Button's click (custom message) runs its handler, and an Output captures what it runs, C program included", async () => {
    const cell = await run(
      kernel,
      `!cd ${work} && printf '#include <stdio.h>\\nint main(void) { printf("hello from C\\\\n"); return 0; }\\n' > hello.c && gcc -o hello hello.c
       const button = widgets.Button({ description: 'run' });
       const out = widgets.Output();
       let clicks = 0;
       button.onClick(async () => {
         clicks++;
         await out.capture(async () => {
           console.log('click', clicks);
           await sh('${work}/hello');
         });
       });
       widgets.VBox([button, out])`,
    );
    assert.equal(cell.status, 'ok');
    const boxId = widgetId(cell.outputs);
    const [buttonRef, outRef] = stateOf(boxId).children as string[];
    const buttonId = buttonRef.replace('IPY_MODEL_', '');
    const outId = outRef.replace('IPY_MODEL_', '');
    assert.equal(stateOf(buttonId)._model_name, 'ButtonModel');
    assert.equal(stateOf(outId)._model_module, '@jupyter-widgets/output');

    const click = frontendComms.get(buttonId)!.send({ method: 'custom', content: { event: 'click' } });
    const clickId = click.msg.header.msg_id;
    await click.done;
    const answers = iopub.filter((m) => (m.parent_header as KernelMessage.IHeader).msg_id === clickId && m.header.msg_type !== 'status');
    // msg_id set to the click's msg_id, the outputs parented to the click (so the frontend routes them into the Output), msg_id reset.
    assert.deepEqual(
      sequence(answers),
      [
        ['comm_msg', { method: 'update', state: { msg_id: clickId }, buffer_paths: [] }],
        ['stream stdout', 'click 1\nhello from C\n'],
        ['comm_msg', { method: 'update', state: { msg_id: '' }, buffer_paths: [] }],
      ],
    );
    assert.equal(await value('clicks'), '1');
  });

  it('out.capture() in a cell routes the cell\'s outputs, ! commands included, to the Output', async () => {
    const cell = await run(
      kernel,
      `const log = widgets.Output();
       await log.capture(async () => {
         console.log('inside');
         !echo from-sh
         display.html('<b>shown</b>');
       });
       console.log('outside');
       log`,
    );
    assert.equal(cell.status, 'ok');
    const id = widgetId(cell.outputs);
    const types = sequence(cell.outputs).map(([type, content]) => {
      if (type === 'comm_msg') return `msg_id=${String((content as { state: WidgetState }).state.msg_id)}`;
      if (type.startsWith('stream')) return `${type} ${String(content)}`;
      return type;
    });
    const from = types.indexOf(`msg_id=${cell.msgId}`);
    assert.ok(from >= 0, `msg_id set to the cell's msg_id in ${JSON.stringify(types)}`);
    assert.deepEqual(types.slice(from), [`msg_id=${cell.msgId}`, 'stream stdout inside\nfrom-sh\n', 'display_data', 'msg_id=', 'stream stdout outside\n', 'execute_result']);
    assert.equal(modelOf(id).msg_id, '');

    // An error inside is shown in the Output (on stderr, while msg_id is set), and the cell goes on.
    const failing = await run(kernel, `await log.capture(() => { throw new Error('boom'); }); 'after'`);
    assert.equal(failing.status, 'ok');
    const failed = sequence(failing.outputs).map(([type, content]) => (type === 'comm_msg' ? `msg_id=${String((content as { state: WidgetState }).state.msg_id)}` : type));
    assert.deepEqual(failed.slice(failed.indexOf(`msg_id=${failing.msgId}`)), [`msg_id=${failing.msgId}`, 'stream stderr', 'msg_id=', 'execute_result']);
    assert.match(String(sequence(failing.outputs).find(([type]) => type === 'stream stderr')?.[1]), /^Error: boom\n/);

    // Appending works from anywhere, through the model's outputs.
    await run(kernel, `log.appendStdout('later\\n'); log.clear(); log.appendStdout('kept\\n')`);
    assert.deepEqual(modelOf(id).outputs, [{ output_type: 'stream', name: 'stdout', text: 'kept\n' }]);
  });

  it('Text, Checkbox, Dropdown, Label, FloatSlider, Play and HBox take values both ways', async () => {
    const cell = await run(
      kernel,
      `const name = widgets.Text({ value: 'a' });
       const on = widgets.Checkbox({ value: true, description: 'on' });
       const mode = widgets.Dropdown({ options: [['level', 'LT'], ['edge', 'ET']], value: 'ET' });
       const label = widgets.Label({ value: 'x' });
       const rate = widgets.FloatSlider({ value: 0.5, min: 0, max: 1, step: 0.05 });
       const play = widgets.Play({ max: 5, interval: 50 });
       const modes: unknown[] = [];
       mode.observe((c) => { modes.push(c.new); });
       widgets.HBox([name, on, mode, label, rate, play])`,
    );
    assert.equal(cell.status, 'ok');
    const children = (stateOf(widgetId(cell.outputs)).children as string[]).map((ref) => ref.replace('IPY_MODEL_', ''));
    const [textId, checkId, dropId, labelId, floatId, playId] = children;
    assert.deepEqual(
      children.map((id) => stateOf(id)._model_name),
      ['TextModel', 'CheckboxModel', 'DropdownModel', 'LabelModel', 'FloatSliderModel', 'PlayModel'],
    );
    assert.deepEqual([stateOf(dropId)._options_labels, stateOf(dropId).index], [['level', 'edge'], 1]);
    const send = async (id: string, state: Record<string, string | number | boolean>) => void (await frontendComms.get(id)!.send({ method: 'update', state, buffer_paths: [] }).done);
    await send(textId, { value: 'typed' });
    await send(checkId, { value: false });
    await send(dropId, { index: 0 });
    await send(floatId, { value: 0.25 });
    await send(playId, { value: 3, playing: true });
    assert.equal(await value('JSON.stringify([name.value, on.value, mode.value, mode.label, rate.value, play.value, play.playing])'), `'["typed",false,"LT","level",0.25,3,true]'`);
    assert.equal(await value('modes'), "[ 'LT' ]");
    await run(kernel, `label.value = 'done'; mode.value = 'ET'`);
    assert.equal(modelOf(labelId).value, 'done');
    assert.equal(modelOf(dropId).index, 1);
    const wrong = await run(kernel, `mode.value = 'XX'`);
    assert.match(wrong.status, /error.*not one of the options/);
  });

  it('interact(fn, {n: [1, 100]}) shows a slider and an Output; fn runs now and on every change, its output captured', async () => {
    const cell = await run(kernel, `widgets.interact(({ n }: { n: number }) => { console.log('n is', n); return n * n; }, { n: [1, 100] })`);
    assert.equal(cell.status, 'ok');
    const boxId = widgetId(cell.outputs);
    assert.equal(cell.outputs.filter((m) => viewOf(m) !== undefined).length, 1, 'shown once');
    const [sliderRef, outRef] = stateOf(boxId).children as string[];
    const sliderId = sliderRef.replace('IPY_MODEL_', '');
    assert.deepEqual([stateOf(sliderId).min, stateOf(sliderId).max, stateOf(sliderId).value, stateOf(sliderId).description], [1, 100, 50, 'n']);
    assert.ok(outRef.startsWith('IPY_MODEL_'));
    // The first run, during the cell: captured (msg_id is the cell's), its print and result shown.
    const inCell = cell.outputs.filter((m) => m.header.msg_type === 'stream').map((m) => (m.content as KernelMessage.IStreamMsg['content']).text);
    assert.deepEqual(inCell, ['n is 50\n']);
    const change = frontendComms.get(sliderId)!.send({ method: 'update', state: { value: 12 }, buffer_paths: [] });
    await change.done;
    const answers = iopub.filter((m) => (m.parent_header as KernelMessage.IHeader).msg_id === change.msg.header.msg_id && m.header.msg_type !== 'status');
    assert.deepEqual(
      answers.map((m) => m.header.msg_type),
      ['comm_msg', 'comm_msg', 'clear_output', 'stream', 'display_data', 'comm_msg'],
    );
    assert.equal((answers[3].content as KernelMessage.IStreamMsg['content']).text, 'n is 12\n');
    assert.equal((answers[4].content as KernelMessage.IDisplayDataMsg['content']).data['text/plain'], '144');
  });

  it('a reloaded page gets every widget back: comm_info lists them, and the control comm answers request_states', async () => {
    const info = (await kernel.requestCommInfo({ target_name: 'jupyter.widget' })).content as KernelMessage.ICommInfoReply;
    const open = await value('widgets.open.map((w) => w.id)');
    const ids = Object.keys(info.comms);
    assert.ok(ids.length >= 20, `the widgets' comms (${ids.length})`);
    for (const id of ids) assert.deepEqual(info.comms[id], { target_name: 'jupyter.widget' });
    for (const id of ids) assert.ok(open.includes(id), `${id} is open in the kernel`);

    const control = kernel.createComm('jupyter.widget.control');
    const replies: KernelMessage.ICommMsgMsg[] = [];
    control.onMsg = (msg) => {
      replies.push(msg);
    };
    control.open({}, { version: '1.0.0' });
    control.send({ method: 'request_states' }, {});
    await until('update_states', () => replies.length > 0);
    const data = replies[0].content.data as { method: string; states: Record<string, { model_name: string; model_module: string; model_module_version: string; state: WidgetState }>; buffer_paths: unknown[] };
    assert.equal(data.method, 'update_states');
    assert.deepEqual(data.buffer_paths, []);
    assert.deepEqual(Object.keys(data.states).sort(), [...ids].sort());
    const sliderId = widgetId((await run(kernel, 'slider')).outputs);
    const slider = data.states[sliderId];
    assert.deepEqual([slider.model_name, slider.model_module, slider.model_module_version], ['IntSliderModel', '@jupyter-widgets/controls', '2.0.0']);
    assert.equal(slider.state.value, 10);
    control.close();
  });

  it('the interrupt stops a click handler that runs a long command, and the kernel goes on', async () => {
    const cell = await run(kernel, `const slow = widgets.Button({ description: 'slow' }); slow.onClick(() => sh('sleep 30')); slow`);
    const id = widgetId(cell.outputs);
    const click = frontendComms.get(id)!.send({ method: 'custom', content: { event: 'click' } });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const started = Date.now();
    await kernel.interrupt();
    await click.done;
    assert.ok(Date.now() - started < 5000, `the click ended ${Date.now() - started} ms after the interrupt`);
    const said = iopub
      .filter((m) => (m.parent_header as KernelMessage.IHeader).msg_id === click.msg.header.msg_id && m.header.msg_type === 'stream')
      .map((m) => (m.content as KernelMessage.IStreamMsg['content']).text)
      .join('');
    assert.match(said, /KeyboardInterrupt/);
    assert.equal(await value('1 + 1'), '2');
  });

  it('is typed: completion lists the widgets, the README example checks clean, a wrong type is a type error', async () => {
    const completion = (await kernel.requestComplete({ code: 'widgets.', cursor_pos: 8 })).content as KernelMessage.ICompleteReplyMsg['content'] & { matches: string[] };
    for (const name of ['IntSlider', 'FloatSlider', 'Text', 'Checkbox', 'Dropdown', 'Button', 'Output', 'HBox', 'VBox', 'Label', 'Play', 'interact']) {
      assert.ok(completion.matches.includes(name), `${name} in ${completion.matches.join(' ')}`);
    }
    const stderr = (outputs: Iopub[]) =>
      outputs.filter((m) => m.header.msg_type === 'stream' && (m.content as KernelMessage.IStreamMsg['content']).name === 'stderr').map((m) => (m.content as KernelMessage.IStreamMsg['content']).text).join('');
    // The type checker loads in the background: wait until it reports a cell's error with the cell.
    const deadline = Date.now() + 60000;
    while (!/TS2322/.test(stderr((await run(kernel, `const probe${Date.now()}: number = widgets.Text().value;`)).outputs))) {
      assert.ok(Date.now() < deadline, 'the type checker reports errors with their cell');
    }
    const example = await run(
      kernel,
      `const clients = widgets.IntSlider({ value: 10, min: 1, max: 200, description: 'clients', continuousUpdate: false });
       const go = widgets.Button({ description: 'connect', buttonStyle: 'primary' });
       const log = widgets.Output();
       clients.observe(({ new: n }) => console.log('clients:', n));
       go.onClick(() => log.capture(() => sh(\`echo \${clients.value}\`)));
       const pick = new widgets.Dropdown({ options: [['level', 0], ['edge', 1]] });
       const chosen: number | null = pick.value;
       widgets.interact(({ n }: { n: number }) => n * 2, { n: [1, 100] });
       widgets.VBox([clients, go, log, pick])`,
    );
    assert.equal(example.status, 'ok');
    assert.equal(stderr(example.outputs), '');
    const wrong = await run(kernel, `widgets.IntSlider().value = 'many'`);
    assert.match(stderr(wrong.outputs), /TS2322: Type 'string' is not assignable to type 'number'/);
  });

  it('close() closes the comm and the widget leaves comm_info', async () => {
    const id = widgetId((await run(kernel, 'slider')).outputs);
    await run(kernel, 'slider.close()');
    await until('comm_close', () => iopub.some((m) => m.header.msg_type === 'comm_close' && (m.content as KernelMessage.ICommCloseMsg['content']).comm_id === id));
    const info = (await kernel.requestCommInfo({ target_name: 'jupyter.widget' })).content as KernelMessage.ICommInfoReply;
    assert.ok(!(id in info.comms));
  });
});
