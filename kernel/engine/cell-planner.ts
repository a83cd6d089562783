import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MagicDialect } from '../cells/dialect';
import type { CellPlan } from '../cells/plan';
import type * as PlanCell from '../cells/plan-cell';
import type { PlanReply, PlanRequest } from './plan-protocol';

/** Cells longer than this are planned on the plan thread: scanning 1 MB takes tens of milliseconds. */
const OFF_THREAD_CHARS = 64 * 1024;
/** The thread ends when no big cell came for this long (ms): it costs memory, and big cells are rare. */
const IDLE_MS = 10_000;
const THREAD_SCRIPT = path.join(__dirname, 'plan-thread.js');

interface Pending {
  resolve(plan: CellPlan): void;
  reject(error: Error): void;
}

/**
 * Plans cells: short ones at once on the calling thread, long ones on a
 * worker thread started when the first long cell comes.
 */
export class CellPlanner {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly planHere: () => typeof PlanCell) {}

  plan(code: string, dialect: MagicDialect): Promise<CellPlan> {
    if (code.length <= OFF_THREAD_CHARS) return Promise.resolve(this.planHere().planCell(code, dialect));
    const worker = this.thread();
    clearTimeout(this.idleTimer);
    const id = ++this.nextId;
    return new Promise<CellPlan>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, code, dialect } satisfies PlanRequest);
    }).finally(() => this.armIdleTimer());
  }

  /** Ends the thread now (kernel shutdown). */
  close(): void {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }

  private armIdleTimer(): void {
    if (this.pending.size > 0 || !this.worker) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), IDLE_MS).unref();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(THREAD_SCRIPT);
    // The thread never keeps the kernel alive.
    worker.unref();
    worker.on('message', (reply: PlanReply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) pending?.resolve(reply.plan);
      else pending?.reject(new Error(reply.message));
    });
    const ended = (reason: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const pending of this.pending.values()) pending.reject(new Error(reason));
      this.pending.clear();
    };
    worker.on('error', (error) => ended(`the cell planner failed: ${error.message}`));
    worker.on('exit', (code) => ended(`the cell planner exited with code ${code}`));
    this.worker = worker;
    return worker;
  }
}
