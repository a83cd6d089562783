/**
 * The executor's side of the debugger, started by the first `debugRelay`
 * request: a worker thread (debug-relay.ts) that holds an inspector session
 * on this main thread and relays it to a Unix socket the kernel connects to.
 * The main thread cannot answer its own inspector while it is paused at a
 * breakpoint; the worker, on its own thread and event loop, can.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { Worker } from 'node:worker_threads';

/** Hidden global the kernel's debugger calls through the inspector (Runtime.callFunctionOn, evaluate). */
export const DEBUG_HELPER = '__sockbookDebug';

/** Longest text one value shows in the variables panel. */
const SHOWN_LENGTH = 400;

export interface DebugHelper {
  /** One line for the variables panel: what util.inspect shows (a Buffer's bytes, a pointer's address). */
  show(value: unknown): string;
  /** The fuller text of richInspectVariables. */
  showRich(value: unknown): string;
  /** The globals cells defined (not the executor's own), as one object to expand. */
  userGlobals(): Record<string, unknown>;
}

let started: Promise<string> | undefined;

export function startDebugRelay(startupGlobals: string[]): Promise<string> {
  started ??= start(startupGlobals);
  return started;
}

async function start(startupGlobals: string[]): Promise<string> {
  installHelper(new Set(startupGlobals));
  const dir = mkdtempSync(path.join(tmpdir(), 'sockbook-debug-'));
  const socketPath = path.join(dir, 'relay.sock');
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const worker = new Worker(path.join(__dirname, 'debug-relay.js'), { workerData: { socketPath }, stdout: false, stderr: false });
  // The relay never keeps the executor alive on its own.
  worker.unref();
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the debugger relay exited with code ${code}`)));
  });
  return socketPath;
}

function installHelper(startupGlobals: Set<string>): void {
  const helper: DebugHelper = {
    show(value) {
      const text = inspect(value, { depth: 0, breakLength: Infinity, maxArrayLength: 16, maxStringLength: 200 });
      return text.length > SHOWN_LENGTH ? `${text.slice(0, SHOWN_LENGTH)}…` : text;
    },
    showRich(value) {
      return inspect(value, { depth: 4, maxArrayLength: 200, maxStringLength: 10_000 });
    },
    userGlobals() {
      const found: Record<string, unknown> = {};
      for (const name of Object.getOwnPropertyNames(globalThis)) {
        if (startupGlobals.has(name) || name.startsWith('__sockbook')) continue;
        found[name] = (globalThis as Record<string, unknown>)[name];
      }
      return found;
    },
  };
  Object.defineProperty(globalThis, DEBUG_HELPER, { value: helper, enumerable: false, configurable: true });
}
