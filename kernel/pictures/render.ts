// Draws pictures on a worker thread (render-worker.ts), started at the first
// picture and ended when idle, so neither the kernel's start-up nor its
// resting memory pays for Graphviz and vega.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RenderJob, RenderReply } from './render-job';

/** The renderer thread ends after this long without a job (ms); the next picture starts it again. */
const IDLE_MS = 20_000;

let worker: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let nextId = 1;
const pending = new Map<number, { resolve(svg: string): void; reject(error: Error): void }>();

function failAll(error: Error): void {
  for (const waiter of pending.values()) waiter.reject(error);
  pending.clear();
}

function renderer(): Worker {
  if (worker) return worker;
  const started = new Worker(path.join(__dirname, 'render-worker.js'));
  started.on('message', (reply: RenderReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if ('svg' in reply) waiter.resolve(reply.svg);
    else waiter.reject(new Error(reply.error));
    if (pending.size === 0) {
      started.unref(); // an idle renderer keeps no process alive
      idleSoon();
    }
  });
  started.on('error', (error) => failAll(error));
  started.on('exit', (code) => {
    if (worker === started) worker = undefined;
    if (pending.size > 0) failAll(new Error(`the picture renderer stopped (exit code ${code})`));
  });
  started.unref();
  worker = started;
  return started;
}

function idleSoon(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (pending.size === 0) void worker?.terminate();
  }, IDLE_MS).unref();
}

/** The SVG of a Graphviz graph or a Vega-Lite spec. */
export function renderSvg(job: RenderJob): Promise<string> {
  const id = nextId++;
  const thread = renderer();
  thread.ref(); // a job in progress keeps the process alive until its picture is drawn
  if (idleTimer) clearTimeout(idleTimer);
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    thread.postMessage({ id, job });
  });
}

/** Ends the renderer thread now (tests, shutdown). */
export async function stopRenderer(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  await worker?.terminate();
  worker = undefined;
}
