import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { encodeMessage, newHeader } from '../kernel/wire/codec';
import type { JsonObject, Message } from '../kernel/wire/message';
import { KernelClient } from './support/kernel-client';
import { useKernel, useKernelPerTest } from './support/kernel-fixture';

/*
 * sockbook's widgets against ipywidgets 8.1.9 on ipykernel 7.4 (the pinned
 * Jupyter environment in build/jupyter), over the same raw ZeroMQ client: the
 * same widgets made in both kernels must open the same models (names,
 * modules, versions, every state key and its value, comm metadata), be
 * displayed with the same bundle, and answer the frontend's update,
 * request_state and the control comm's request_states alike. That is what
 * @jupyter-widgets/jupyterlab-manager accepts from ipykernel.
 */

const JUPYTER_PYTHON = path.join(projectRoot, 'build', 'jupyter', 'bin', 'python');

/** Each case: the Python and the TypeScript that make the same widget; the last expression shows it. */
const CASES: { name: string; python: string; typescript: string }[] = [
  { name: 'IntSlider', python: 'w.IntSlider()', typescript: 'widgets.IntSlider()' },
  {
    name: 'IntSlider with options',
    python: "w.IntSlider(value=5, min=1, max=10, step=2, description='clients', continuous_update=False, layout=w.Layout(width='300px'))",
    typescript: "widgets.IntSlider({ value: 5, min: 1, max: 10, step: 2, description: 'clients', continuousUpdate: false, layout: { width: '300px' } })",
  },
  { name: 'FloatSlider', python: "w.FloatSlider(value=0.5, max=1.0, step=0.05, description='rate')", typescript: "widgets.FloatSlider({ value: 0.5, max: 1, step: 0.05, description: 'rate' })" },
  { name: 'Text', python: "w.Text(value='hi', placeholder='name')", typescript: "widgets.Text({ value: 'hi', placeholder: 'name' })" },
  { name: 'Checkbox', python: "w.Checkbox(value=True, description='edge-triggered')", typescript: "widgets.Checkbox({ value: true, description: 'edge-triggered' })" },
  { name: 'Dropdown', python: "w.Dropdown(options=['LT', 'ET'], value='ET')", typescript: "widgets.Dropdown({ options: ['LT', 'ET'], value: 'ET' })" },
  { name: 'Button', python: "w.Button(description='connect', button_style='primary', icon='plug')", typescript: "widgets.Button({ description: 'connect', buttonStyle: 'primary', icon: 'plug' })" },
  { name: 'Output', python: 'w.Output()', typescript: 'widgets.Output()' },
  { name: 'Label', python: "w.Label(value='ready')", typescript: "widgets.Label({ value: 'ready' })" },
  { name: 'Play', python: 'w.Play(max=20, interval=200)', typescript: 'widgets.Play({ max: 20, interval: 200 })' },
  { name: 'HBox', python: "w.HBox([w.Label(value='a')])", typescript: "widgets.HBox([widgets.Label({ value: 'a' })])" },
  { name: 'VBox', python: "w.VBox([w.Checkbox()], box_style='info')", typescript: "widgets.VBox([widgets.Checkbox()], { boxStyle: 'info' })" },
];

interface Opened {
  target: unknown;
  metadata: unknown;
  state: JsonObject;
}

/** The comm_opens among a cell's outputs, with model references named by position (ids differ between kernels). */
function normalizedOpens(outputs: Message[]): { opens: Opened[]; ids: string[] } {
  const opens = outputs.filter((m) => m.header.msg_type === 'comm_open');
  const ids = opens.map((m) => String(m.content.comm_id));
  const rename = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith('IPY_MODEL_')) return `IPY_MODEL_#${ids.indexOf(value.slice('IPY_MODEL_'.length))}`;
    if (Array.isArray(value)) return value.map(rename);
    return value;
  };
  return {
    ids,
    opens: opens.map((m) => {
      const data = m.content.data as { state: JsonObject; buffer_paths: unknown };
      assert.deepEqual(data.buffer_paths, [], 'no binary buffers');
      const state = Object.fromEntries(Object.entries(data.state).map(([key, value]) => [key, rename(value)])) as JsonObject;
      return { target: m.content.target_name, metadata: m.metadata, state };
    }),
  };
}

function displayedBundle(outputs: Message[], ids: string[]): unknown {
  const shown = outputs.find((m) => m.header.msg_type === 'execute_result');
  assert.ok(shown, `an execute_result among ${outputs.map((m) => m.header.msg_type).join(', ')}`);
  const data = shown.content.data as Record<string, unknown>;
  const view = data['application/vnd.jupyter.widget-view+json'] as { model_id: string };
  return { keys: Object.keys(data).sort(), view: { ...view, model_id: `#${ids.indexOf(view.model_id)}` } };
}

/** Sends a comm message (with metadata) and waits for the kernel to be idle after it. */
async function commMessage(client: KernelClient, msgType: string, content: JsonObject, metadata: JsonObject = {}): Promise<Message[]> {
  const header = newHeader(msgType, client.session, 'test');
  const frames = encodeMessage({ identities: [], header, parent_header: {}, metadata, content, buffers: [] }, client.signer);
  await client.sendFrames('shell', frames);
  const outputs = await client.waitIdle(header.msg_id);
  return outputs.filter((m) => m.header.msg_type !== 'status');
}

const commData = (outputs: Message[]) => outputs.filter((m) => m.header.msg_type === 'comm_msg').map((m) => m.content.data);

describe('widgets match what ipywidgets 8.1.9 on ipykernel 7.4 sends', function () {
  this.timeout(240000);

  before(() => {
    if (!existsSync(JUPYTER_PYTHON)) throw new Error(`the pinned Jupyter environment is missing (${JUPYTER_PYTHON}): run node test/setup/ensure-jupyter-env.js`);
  });
  const ipykernel = useKernel({ argv: [JUPYTER_PYTHON, '-m', 'ipykernel_launcher', '-f', '{connection_file}'] });
  const sockbook = useKernel();
  const startKernel = useKernelPerTest();
  before(async () => {
    const imported = await ipykernel.execute('import ipywidgets as w; w.__version__');
    assert.equal((imported.outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data as Record<string, string>)['text/plain'], "'8.1.9'");
  });

  for (const { name, python, typescript } of CASES) {
    it(`${name}: the same models, states, metadata and display bundle`, async () => {
      const theirs = await ipykernel.execute(python);
      const ours = await sockbook.execute(typescript);
      assert.equal(ours.reply.content.status, 'ok', JSON.stringify(ours.outputs.map((m) => m.content)));
      const expected = normalizedOpens(theirs.outputs);
      const actual = normalizedOpens(ours.outputs);
      assert.ok(expected.opens.length >= 2, 'ipykernel opened the widget and its layout');
      assert.deepEqual(actual.opens, expected.opens);
      assert.deepEqual(displayedBundle(ours.outputs, actual.ids), displayedBundle(theirs.outputs, expected.ids));
    });
  }

  it('the same answers to an update (echo_update), to a value set in the kernel, and to request_state', async () => {
    const makeTheirs = await ipykernel.execute("s = w.IntSlider(value=5, max=10); s.observe(lambda c: print('to', c['new']), names='value'); s");
    const makeOurs = await sockbook.execute("const s = widgets.IntSlider({ value: 5, max: 10 }); s.observe((c) => console.log('to', c.new)); s");
    const theirId = normalizedOpens(makeTheirs.outputs).ids.at(-1)!;
    const ourId = normalizedOpens(makeOurs.outputs).ids.at(-1)!;

    const update = { method: 'update', state: { value: 7 }, buffer_paths: [] };
    const theirUpdate = await commMessage(ipykernel, 'comm_msg', { comm_id: theirId, data: update });
    const ourUpdate = await commMessage(sockbook, 'comm_msg', { comm_id: ourId, data: update });
    assert.deepEqual(commData(ourUpdate), commData(theirUpdate));
    assert.deepEqual(commData(ourUpdate), [{ method: 'echo_update', state: { value: 7 }, buffer_paths: [] }]);
    assert.equal(KernelClient.streamText(ourUpdate), KernelClient.streamText(theirUpdate));

    // Past max: ipywidgets echoes, then sends the value it kept.
    const tooFar = { method: 'update', state: { value: 50 }, buffer_paths: [] };
    assert.deepEqual(commData(await commMessage(sockbook, 'comm_msg', { comm_id: ourId, data: tooFar })), commData(await commMessage(ipykernel, 'comm_msg', { comm_id: theirId, data: tooFar })));

    const theirSet = await ipykernel.execute('s.value = 3');
    const ourSet = await sockbook.execute('s.value = 3');
    assert.deepEqual(commData(ourSet.outputs), commData(theirSet.outputs));
    assert.equal(KernelClient.streamText(ourSet.outputs), KernelClient.streamText(theirSet.outputs));

    const request = { method: 'request_state' };
    const [theirState] = commData(await commMessage(ipykernel, 'comm_msg', { comm_id: theirId, data: request })) as { method: string; state: JsonObject }[];
    const [ourState] = commData(await commMessage(sockbook, 'comm_msg', { comm_id: ourId, data: request })) as { method: string; state: JsonObject }[];
    assert.equal(ourState.method, theirState.method);
    const withoutRefs = (state: JsonObject) => ({ ...state, layout: null, style: null });
    assert.deepEqual(withoutRefs(ourState.state), withoutRefs(theirState.state));
  });

  it('with JUPYTER_WIDGETS_ECHO=0 neither kernel echoes the update', async () => {
    const quiet = async (argv: string[] | undefined, make: string) => {
      // Stopped here, before the next kernel starts; after the test as well when it failed.
      const client = await startKernel({ argv, env: { JUPYTER_WIDGETS_ECHO: '0' } });
      const made = await client.execute(make);
      const commId = normalizedOpens(made.outputs).ids.at(-1)!;
      const echoed = commData(await commMessage(client, 'comm_msg', { comm_id: commId, data: { method: 'update', state: { value: 4 }, buffer_paths: [] } }));
      await client.close();
      return echoed;
    };
    const theirs = await quiet([JUPYTER_PYTHON, '-m', 'ipykernel_launcher', '-f', '{connection_file}'], 'import ipywidgets as w; w.IntSlider()');
    const ours = await quiet(undefined, 'widgets.IntSlider()');
    assert.deepEqual(ours, theirs);
    assert.deepEqual(ours, []);
  });

  it("the same answer on the control comm a reloaded page opens (request_states → update_states)", async () => {
    const control = async (client: KernelClient) => {
      const commId = `control-${client.session}`;
      await commMessage(client, 'comm_open', { comm_id: commId, target_name: 'jupyter.widget.control', data: {} }, { version: '1.0.0' });
      const answer = await commMessage(client, 'comm_msg', { comm_id: commId, data: { method: 'request_states' } });
      await commMessage(client, 'comm_close', { comm_id: commId, data: {} });
      const info = await client.request('shell', 'comm_info_request', { target_name: 'jupyter.widget' });
      return { data: commData(answer)[0] as { method: string; states: Record<string, JsonObject>; buffer_paths: unknown }, open: Object.keys(info.content.comms as JsonObject) };
    };
    const theirs = await control(ipykernel);
    const ours = await control(sockbook);
    assert.equal(ours.data.method, theirs.data.method);
    assert.deepEqual(ours.data.buffer_paths, theirs.data.buffer_paths);
    // Every open widget, each with the same fields; the same models in both kernels.
    assert.deepEqual(Object.keys(ours.data.states).sort(), [...ours.open].sort());
    assert.deepEqual(Object.keys(theirs.data.states).sort(), [...theirs.open].sort());
    const summary = (states: Record<string, JsonObject>) =>
      Object.values(states)
        .map((entry) => `${Object.keys(entry).sort().join(',')}:${String(entry.model_module)}@${String(entry.model_module_version)}/${String(entry.model_name)}`)
        .sort();
    assert.deepEqual(summary(ours.data.states), summary(theirs.data.states));
  });
});
