import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CheckerCall, CheckerCalls, CheckerData, CheckerMessage, CheckerRequest } from './checker-protocol';
import { readSetting, SETTINGS } from '../../base/settings';

const THREAD_SCRIPT = path.join(__dirname, 'checker-thread.js');

/**
 * Limits of the checker thread's heap (MB). A small young generation keeps
 * the thread's footprint near what the language service really holds.
 */
const YOUNG_GENERATION_MB = 4;

/**
 * The thread ends after this long without a question (seconds; SOCKBOOK_CHECKER_IDLE_S, 0: never): on a course
 * server most kernels sit idle, and the compiler and its service are most of an idle executor's memory. The next
 * question starts it again with the cells it knew (it loads in about a second; cells do not wait for it meanwhile).
 */
const IDLE_SECONDS = Number(readSetting('SOCKBOOK_CHECKER_IDLE_S') ?? SETTINGS.SOCKBOOK_CHECKER_IDLE_S.shown);

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/**
 * The executor's main-thread side of the checker thread (type errors,
 * completion, inspection, is_complete). The thread starts at the first
 * question; a thread that died is started again, with the cells it knew.
 */
export class Checker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private loadedFlag = false;
  /** Called when the thread has loaded the compiler, and when it ends. */
  onLoadedChange: (loaded: boolean) => void = () => undefined;
  /** Cells whose declarations the service knows, so a new thread can learn them again. */
  private readonly cells: string[] = [];
  /** Whether the thread's start waits for startWhen's gate. */
  private deferred = false;
  /** Type checks asked for before the thread started, sent to it when it does. */
  private waiting: CheckerRequest[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly declarations: string) {}

  /** Whether the compiler and the service are loaded (a question is answered in milliseconds). */
  get loaded(): boolean {
    return this.loadedFlag;
  }

  /**
   * Starts the thread when `gate` settles (returns at once). Until then a
   * cell's type check waits, so loading the compiler does not take the CPU
   * the first cell needs; a question someone waits for (completion,
   * inspection) starts the thread at once.
   */
  startWhen(gate: Promise<unknown>): void {
    this.deferred = true;
    void gate.finally(() => {
      this.deferred = false;
      if (!this.worker) this.thread();
    });
  }

  ask<K extends CheckerCall>(type: K, args: CheckerCalls[K]['args']): Promise<CheckerCalls[K]['result']> {
    const id = ++this.nextId;
    const request = { id, type, ...args } as CheckerRequest;
    return new Promise<CheckerCalls[K]['result']>((resolve, reject) => {
      this.pending.set(id, { resolve: (result) => resolve(result as CheckerCalls[K]['result']), reject });
      if (type === 'check' && this.deferred && !this.worker) this.waiting.push(request);
      else this.post(this.thread(), request);
    });
  }

  private post(worker: Worker, request: CheckerRequest): void {
    if (request.type === 'check') this.cells.push(request.code);
    clearTimeout(this.idleTimer);
    worker.postMessage(request);
  }

  /** Once nothing is pending: the thread ends if no question comes for IDLE_SECONDS. */
  private armIdleTimer(worker: Worker): void {
    clearTimeout(this.idleTimer);
    if (!(IDLE_SECONDS > 0) || this.pending.size > 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = undefined;
      this.setLoaded(false);
      void worker.terminate();
    }, IDLE_SECONDS * 1000).unref();
  }

  private setLoaded(loaded: boolean): void {
    if (this.loadedFlag === loaded) return;
    this.loadedFlag = loaded;
    this.onLoadedChange(loaded);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const data: CheckerData = { declarations: this.declarations, cells: [...this.cells] };
    const worker = new Worker(THREAD_SCRIPT, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    // The thread never keeps the executor alive.
    worker.unref();
    worker.on('message', (message: CheckerMessage) => {
      if (message.type === 'loaded') {
        this.setLoaded(true);
        this.armIdleTimer(worker);
        return;
      }
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) pending?.resolve(message.result);
      else pending?.reject(new Error(message.message));
      this.armIdleTimer(worker);
    });
    const ended = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.setLoaded(false);
      for (const pending of this.pending.values()) pending.reject(new Error(reason));
      this.pending.clear();
    };
    worker.on('error', (error) => ended(`the type checker failed: ${error.message}`));
    worker.on('exit', (code) => ended(`the type checker exited with code ${code}`));
    this.worker = worker;
    // The checks of the cells that ran before the start, in their order.
    for (const request of this.waiting.splice(0)) this.post(worker, request);
    return worker;
  }
}
