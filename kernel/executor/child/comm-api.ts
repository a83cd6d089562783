import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { CommData, CommMessage, OpenComm } from '../../interpreter/comm';
import { jsonCopy } from './rich-value';

/** What a comm's handlers get: the message's data, and the comm it is for. */
export interface CommEvent {
  commId: string;
  targetName: string;
  data: CommData;
}

/** A listener may return a promise: the frontend's message counts as handled (busy) until it settles. */
type Listener = (message: CommEvent) => unknown;

/**
 * The request each piece of work runs for (a cell, or a frontend's comm
 * message), carried across awaits and timers, so that a comm message the
 * cells send is parented to what caused it.
 */
export const commOrigin = new AsyncLocalStorage<number>();

/**
 * The requests in flight (a cell's execute_request, a frontend's comm
 * message), by request id, with the msg_id their messages are parented to
 * (none without a frontend, as under `sockbook run`).
 */
const originMsgIds = new Map<number, string | undefined>();

/** Runs `work` for request `id`, whose messages the frontend sees parented to `msgId`. */
export function runForOrigin<T>(id: number, msgId: string | undefined, work: () => T): T {
  originMsgIds.set(id, msgId);
  return commOrigin.run(id, work);
}

/** The request `id` is done: later work it started no longer has its msg_id. */
export function originEnded(id: number): void {
  originMsgIds.delete(id);
}

/** The request the current work runs for: whether it is still in flight, and its msg_id when it has one. */
export function currentRequest(): { inFlight: boolean; msgId?: string } {
  const origin = commOrigin.getStore();
  if (origin === undefined || !originMsgIds.has(origin)) return { inFlight: false };
  return { inFlight: true, msgId: originMsgIds.get(origin) };
}

/** One comm of the cells' side (what `comm.open` returns, and what a target's handler gets). */
export class Comm {
  private readonly listeners = { msg: [] as Listener[], close: [] as Listener[] };
  private open = true;

  constructor(
    private readonly registry: CommRegistry,
    readonly id: string,
    readonly targetName: string,
  ) {}

  get closed(): boolean {
    return !this.open;
  }

  /** Sends data to the frontend's side (comm_msg), with the message's metadata when given. */
  send(data: CommData = {}, metadata?: CommData): void {
    if (!this.open) throw new Error(`comm ${this.id} (${this.targetName}) is closed`);
    this.registry.emit({ kind: 'msg', commId: this.id, data: dataOf(data, 'send'), ...(metadata ? { metadata: dataOf(metadata, 'send') } : {}) });
  }

  /** Closes the comm on both sides (comm_close); closing twice does nothing. */
  close(data: CommData = {}): void {
    if (!this.open) return;
    this.open = false;
    this.registry.forget(this.id);
    this.registry.emit({ kind: 'close', commId: this.id, data: dataOf(data, 'close') });
  }

  /** 'msg': the frontend sent data; 'close': the frontend closed the comm. */
  on(event: 'msg' | 'close', listener: Listener): this {
    if (event !== 'msg' && event !== 'close') throw new TypeError(`a comm has 'msg' and 'close' events, not ${JSON.stringify(event)}`);
    if (typeof listener !== 'function') throw new TypeError(`comm.on('${event}', …) takes a function`);
    this.listeners[event].push(listener);
    return this;
  }

  /** A message from the frontend's side; returns what the listeners returned that is still pending. */
  deliver(kind: 'msg' | 'close', data: CommData): Promise<unknown>[] {
    if (kind === 'close') {
      this.open = false;
      this.registry.forget(this.id);
    }
    const pending: Promise<unknown>[] = [];
    for (const listener of this.listeners[kind]) {
      const result = listener({ commId: this.id, targetName: this.targetName, data });
      if (isPromise(result)) pending.push(result);
    }
    return pending;
  }
}

export type TargetHandler = (comm: Comm, message: CommEvent) => unknown;

/** The comms of the executor's cells, and the targets frontends may open comms to. */
export class CommRegistry {
  private readonly comms = new Map<string, Comm>();
  private readonly targets = new Map<string, TargetHandler>();

  constructor(private readonly send: (event: { origin?: number; comm: CommMessage }) => void) {}

  emit(comm: CommMessage): void {
    this.send({ origin: commOrigin.getStore(), comm });
  }

  forget(commId: string): void {
    this.comms.delete(commId);
  }

  /** Opens a comm to a target the frontend registered (comm_open), with the message's metadata when given. */
  open(targetName: string, data: CommData = {}, metadata?: CommData): Comm {
    if (typeof targetName !== 'string' || targetName === '') throw new TypeError('comm.open(target, data) takes the target name as a string');
    const comm = new Comm(this, randomUUID(), targetName);
    const copied = dataOf(data, 'open');
    this.comms.set(comm.id, comm);
    this.emit({ kind: 'open', commId: comm.id, targetName, data: copied, ...(metadata ? { metadata: dataOf(metadata, 'open') } : {}) });
    return comm;
  }

  /** Lets frontends open comms to `targetName`; `handler` gets each new comm and the data it was opened with. */
  registerTarget(targetName: string, handler: TargetHandler): void {
    if (typeof targetName !== 'string' || targetName === '') throw new TypeError('comm.registerTarget(target, handler) takes the target name as a string');
    if (typeof handler !== 'function') throw new TypeError('comm.registerTarget(target, handler) takes a function');
    this.targets.set(targetName, handler);
  }

  unregisterTarget(targetName: string): void {
    this.targets.delete(targetName);
  }

  /**
   * A frontend's comm message. A comm opened to no registered target is
   * closed at once, as the protocol asks. Returns the promises the handlers
   * returned (a widget's click handler that runs a program), so the message
   * stays busy until they settle.
   */
  receive(message: CommMessage): Promise<unknown>[] {
    if (message.kind === 'open') {
      const handler = this.targets.get(message.targetName);
      if (!handler) {
        console.error(`comm: no target '${message.targetName}' is registered (comm.registerTarget); the comm is closed`);
        this.emit({ kind: 'close', commId: message.commId, data: {} });
        return [];
      }
      const comm = new Comm(this, message.commId, message.targetName);
      this.comms.set(comm.id, comm);
      const result = handler(comm, { commId: comm.id, targetName: comm.targetName, data: message.data });
      return isPromise(result) ? [result] : [];
    }
    // A message for a comm that is gone is dropped, as the protocol allows.
    return this.comms.get(message.commId)?.deliver(message.kind, message.data) ?? [];
  }

  list(targetName?: string): OpenComm[] {
    return [...this.comms.values()]
      .filter((comm) => targetName === undefined || comm.targetName === targetName)
      .map((comm) => ({ commId: comm.id, targetName: comm.targetName }));
  }
}

/** The `comm` built-in of cells. */
export interface CommApi {
  open(targetName: string, data?: CommData): Comm;
  registerTarget(targetName: string, handler: TargetHandler): void;
  unregisterTarget(targetName: string): void;
}

export function createCommApi(registry: CommRegistry): CommApi {
  return {
    open: (targetName, data) => registry.open(targetName, data),
    registerTarget: (targetName, handler) => registry.registerTarget(targetName, handler),
    unregisterTarget: (targetName) => registry.unregisterTarget(targetName),
  };
}

function dataOf(data: unknown, what: string): CommData {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError(`comm ${what}: data must be a plain object such as { value: 1 }, got ${Array.isArray(data) ? 'an array' : typeof data}`);
  }
  return jsonCopy(data) as CommData;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
