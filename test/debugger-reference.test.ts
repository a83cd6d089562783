import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import type { Message } from '../kernel/wire/message';
import { KernelClient } from './support/kernel-client';
import { useKernelPerTest } from './support/kernel-fixture';

/*
 * The same debug conversation, as JupyterLab holds it, with ipykernel 7.4
 * (debugpy; the pinned environment in build/jupyter, the kernel JupyterLab's
 * debugger was written against) and with sockbook: every field ipykernel's
 * replies and events carry that JupyterLab reads, sockbook's carry too,
 * with a value of the same JSON type.
 */

const PINNED_PYTHON = path.join(projectRoot, 'build', 'jupyter', 'bin', 'python');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Recorded = Record<string, Json>;

/** Fields ipykernel sends that JupyterLab does not read, or debugpy's own. */
const IPYKERNEL_ONLY = new Set(['seq', 'sourceReference', 'presentationHint', 'source', 'id', 'hitBreakpointIds']);

function kind(value: Json | undefined): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Paths to fields present in `reference` but missing (or of another type) in `ours`; arrays compared by their first item. */
function missing(reference: Json | undefined, ours: Json | undefined, at: string): string[] {
  if (kind(reference) !== kind(ours)) return [`${at}: ${kind(reference)} in ipykernel, ${kind(ours)} in sockbook`];
  if (Array.isArray(reference) && Array.isArray(ours)) {
    return reference.length > 0 && ours.length > 0 ? missing(reference[0], ours[0], `${at}[0]`) : [];
  }
  if (reference && typeof reference === 'object' && ours && typeof ours === 'object' && !Array.isArray(reference) && !Array.isArray(ours)) {
    return Object.keys(reference)
      // A capability left out is a capability the adapter does not have (DAP); sockbook says only what it has.
      .filter((key) => !IPYKERNEL_ONLY.has(key) && !/^supports/.test(key))
      .flatMap((key) => missing(reference[key], ours[key], `${at}.${key}`));
  }
  return [];
}

/** The conversation: returns what came back, by step name. */
async function converse(kernel: KernelClient, cell: string, breakLine: number, variable: string, expression: string): Promise<Record<string, Recorded>> {
  let seq = 0;
  const recorded: Record<string, Recorded> = {};
  const ask = async (name: string, command: string, args: Record<string, Json>) => {
    const reply = await kernel.request('control', 'debug_request', { type: 'request', seq: ++seq, command, arguments: args } as never, 30000);
    const content = reply.content as unknown as Recorded;
    assert.equal(content.success, true, `${command}: ${String(content.message)}`);
    recorded[name] = content;
    return content;
  };
  const eventsNamed = (name: string) => kernel.iopubMessages.filter((m: Message) => m.header.msg_type === 'debug_event' && m.content.event === name);
  await ask('debugInfo', 'debugInfo', {});
  await ask('initialize', 'initialize', { clientID: 'jupyterlab', clientName: 'JupyterLab', adapterID: 'x', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsVariableType: true, supportsVariablePaging: true, supportsRunInTerminalRequest: true, locale: 'en' });
  await ask('attach', 'attach', {});
  const dumped = await ask('dumpCell', 'dumpCell', { code: cell });
  const sourcePath = String((dumped.body as Recorded).sourcePath);
  await ask('debugInfo (started)', 'debugInfo', {});
  await ask('setBreakpoints', 'setBreakpoints', { breakpoints: [{ line: breakLine }], source: { path: sourcePath }, sourceModified: false });
  await ask('configurationDone', 'configurationDone', {});
  const run = await kernel.startExecute(cell, {}, 60000);
  await kernel.waitFor(() => eventsNamed('stopped').length > 0, 30000);
  recorded['stopped event'] = eventsNamed('stopped')[0]?.content as unknown as Recorded;
  const threadId = Number(((recorded['stopped event'] as Recorded).body as Recorded).threadId);
  await ask('debugInfo (stopped)', 'debugInfo', {});
  const stack = await ask('stackTrace', 'stackTrace', { threadId });
  const frameId = Number((((stack.body as Recorded).stackFrames as Recorded[])[0] as Recorded).id);
  const scopes = await ask('scopes', 'scopes', { frameId });
  const reference = Number((((scopes.body as Recorded).scopes as Recorded[])[0] as Recorded).variablesReference);
  await ask('variables', 'variables', { variablesReference: reference });
  await ask('evaluate', 'evaluate', { expression, frameId, context: 'repl' });
  await ask('richInspectVariables', 'richInspectVariables', { variableName: variable, frameId });
  await ask('source', 'source', { source: { path: sourcePath }, sourceReference: 0 });
  await ask('continue', 'continue', { threadId });
  await kernel.waitFor(() => eventsNamed('continued').length > 0, 30000);
  recorded['continued event'] = eventsNamed('continued')[0]?.content as unknown as Recorded;
  await run.done;
  await ask('inspectVariables', 'inspectVariables', {});
  await ask('disconnect', 'disconnect', { restart: false, terminateDebuggee: false });
  return recorded;
}

describe('debugger: the same conversation as with ipykernel 7.4 and debugpy', function () {
  this.timeout(180000);
  const startKernel = useKernelPerTest();

  it('answers every request and event with the fields ipykernel gives JupyterLab', async () => {
    if (!existsSync(PINNED_PYTHON)) throw new Error(`${PINNED_PYTHON} is missing: test/setup/ensure-jupyter-env.js makes it`);
    const ipykernel = await startKernel({ argv: [PINNED_PYTHON, '-m', 'ipykernel_launcher', '-f', '{connection_file}'] });
    const reference = await converse(ipykernel, 'def add(a, b):\n    s = a + b\n    return s\nt = add(2, 3)\nprint(t)', 2, 'a', 'a * 10');
    const sockbook = await startKernel();
    const ours = await converse(sockbook, 'function add(a: number, b: number) {\n  const s = a + b;\n  return s;\n}\nconst t = add(2, 3);\nconsole.log(t);', 2, 'a', 'a * 10');
    const problems = Object.keys(reference).flatMap((step) => missing(reference[step], ours[step], step));
    assert.deepEqual(problems, []);
    // And the values the panels show agree.
    const result = (r: Record<string, Recorded>) => (r.evaluate?.body as Recorded).result;
    assert.equal(result(ours), result(reference));
  });
});
