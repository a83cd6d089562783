import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { showAnnotation } from '../../display/annotation';
import type { OutputSink } from '../../interpreter/output-sink';
import { StdinNotAllowedError } from '../../interpreter/output-sink';
import { enterIsolation } from '../../runner/isolation';
import type { Completeness, CompletionResult, InspectionResult } from '../../interpreter/interpreter';
import type { CellOutcome, ExpressionResult } from '../../interpreter/outcome';
import { FencedOutput, type StreamName } from './fenced-output';
import { DisplayCap, OutputCap } from './output-cap';
import type { CellEvent, ChildMessage, ClientMessage, ClientRequest, ReplyTypes } from '../protocol';
import { FENCE_NONCE_ENV } from '../protocol';


/** How often an interrupt is repeated while the cell has not stopped (ms). */
const INTERRUPT_REPEAT_MS = 300;
/** How long after a synchronous part starts before SIGINT is sent to it (ms). */
const SYNC_PART_SETTLE_MS = 30;
export interface ExecuteOptions {
  allowStdin: boolean;
  /** The notebook's directory; the cell runs there. */
  cwd: string;
  /** Names the cell in tracebacks (`cell[3]`); counted by the client when left out. */
  executionCount?: number;
}

export interface ExecutorClientOptions {
  /** How long a cell may take to stop after an interrupt before the executor is killed (ms). */
  interruptGraceMs?: number;
}

type RequestType = keyof ReplyTypes;

interface PendingRequest {
  settle(result: unknown): void;
  /** The child went away before replying. */
  abandon(reason: string): void;
}

/** One executor child process and what is waiting on it. */
interface Executor {
  process: ChildProcess;
  output: FencedOutput;
  pending: Map<number, PendingRequest>;
  exited: Promise<void>;
  /** Set when the client killed it on purpose, with the reason cells are told. */
  killedBecause?: string;
  /** Called when the child says a SIGINT reached its JavaScript. */
  onInterruptSeen?: () => void;
  /**
   * Where the running cell is, as the child last said: 'starting' (compiling, not yet run), 'sync' (its first,
   * synchronous part runs under vm's SIGINT watchdog) or 'async' (after that part).
   */
  phase: 'starting' | 'sync' | 'async';
  /** Called when a synchronous part starts. */
  onSyncPart?: () => void;
}

const CHILD_SCRIPT = path.join(__dirname, '..', 'child', 'child.js');
/** How long a stopping executor gets to end what its cells launched before it is killed (ms). */
const TERMINATE_GRACE_MS = 1500;

/**
 * The kernel side of the TypeScript executor: starts the child process on
 * first use, sends it cells and questions over IPC, and shows what it prints
 * and displays through the cell's OutputSink. The kernel process itself never
 * runs user code nor loads the compiler.
 */
export class ExecutorClient {
  private executor: Executor | undefined;
  private nextId = 0;
  private cellCount = 0;
  private cellQueue: Promise<unknown> = Promise.resolve();
  /** Where output goes: the running cell's sink, else the last cell's (output of background work). */
  private sink: OutputSink | undefined;
  private allowStdin = false;
  private readonly interruptGraceMs: number;
  private diedWhileIdle: string | undefined;
  private outputCap = new OutputCap();
  private displayCap = new DisplayCap();

  constructor(options: ExecutorClientOptions = {}) {
    this.interruptGraceMs = options.interruptGraceMs ?? 2000;
  }

  /** Starts the child now rather than at first use (returns at once). */
  start(cwd: string = process.cwd()): void {
    this.ensureExecutor(cwd);
  }

  /** The executor's process id, when one is running. */
  get pid(): number | undefined {
    return this.executor?.process.pid;
  }

  execute(code: string, sink: OutputSink, interrupt: AbortSignal, opts: ExecuteOptions): Promise<CellOutcome> {
    const run = this.cellQueue.then(() => this.runCell(code, sink, interrupt, opts));
    this.cellQueue = run.catch(() => undefined);
    return run;
  }

  evaluateExpressions(exprs: Record<string, string>): Promise<Record<string, ExpressionResult>> {
    if (Object.keys(exprs).length === 0) return Promise.resolve({});
    return this.request<'expressions'>({ type: 'expressions', expressions: exprs }, (reason) =>
      Object.fromEntries(Object.keys(exprs).map((key) => [key, { status: 'error', ename: 'ExecutorDied', evalue: reason, traceback: [] }])),
    );
  }

  complete(code: string, cursorPos: number): Promise<CompletionResult> {
    return this.request<'complete'>({ type: 'complete', code, cursorPos }, () => ({ matches: [], cursorStart: cursorPos, cursorEnd: cursorPos }));
  }

  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectionResult> {
    return this.request<'inspect'>({ type: 'inspect', code, cursorPos, detailLevel }, () => ({ found: false, data: {} }));
  }

  isComplete(code: string): Promise<Completeness> {
    return this.request<'isComplete'>({ type: 'isComplete', code }, () => ({ status: 'unknown' }));
  }

  /** Ends the executor; the next cell starts a fresh one with no state. */
  async restart(): Promise<void> {
    await this.stop('the executor was restarted');
  }

  async shutdown(): Promise<void> {
    await this.stop('the kernel is shutting down');
  }

  private async runCell(code: string, sink: OutputSink, interrupt: AbortSignal, opts: ExecuteOptions): Promise<CellOutcome> {
    this.cellCount++;
    if (interrupt.aborted) return keyboardInterrupt('the cell was interrupted before it started');
    const executor = this.ensureExecutor(opts.cwd);
    this.sink = sink;
    if (this.diedWhileIdle) {
      showAnnotation(sink, 'notice', this.diedWhileIdle);
      this.diedWhileIdle = undefined;
    }
    this.allowStdin = opts.allowStdin;
    this.outputCap.close();
    this.outputCap = new OutputCap();
    this.displayCap = new DisplayCap();
    const cellName = `cell[${opts.executionCount ?? this.cellCount}]`;
    let graceTimer: NodeJS.Timeout | undefined;
    let repeatTimer: NodeJS.Timeout | undefined;
    // A late timer must never interrupt the next cell.
    let cellOver = false;
    let requestId: number | undefined;
    const onAbort = () => {
      // Node gives SIGINT its default, fatal action for a moment as vm's watchdog for the cell's synchronous
      // part is set up and taken down, and a SIGINT the watchdog took while idle can stop a later cell. So a
      // SIGINT is sent only when nothing else can work: during that synchronous part (only the watchdog stops
      // it), or after it when the IPC request went unanswered (the child is blocked in a libc call, which
      // SIGINT wakes). It is repeated until the child says one arrived (one sent as the part starts can be lost).
      let seen = false;
      let asked = false;
      executor.onInterruptSeen = () => (seen = true);
      const interruptNow = () => {
        if (cellOver || seen) return;
        // Read by the child once its event loop runs again; it also tells SIGINT's listener the cell to stop.
        if (requestId !== undefined) this.post(executor, { type: 'interrupt', id: requestId });
        if (executor.phase === 'sync' || (executor.phase === 'async' && asked)) executor.process.kill('SIGINT');
        if (executor.phase === 'async') asked = true;
      };
      // Not at once: the window of the default action is right at the start of the part.
      executor.onSyncPart = () => setTimeout(interruptNow, SYNC_PART_SETTLE_MS);
      interruptNow();
      repeatTimer = setInterval(interruptNow, INTERRUPT_REPEAT_MS);
      graceTimer = setTimeout(() => {
        void this.kill(executor, 'KeyboardInterrupt: the cell did not stop within 2 s of the interrupt, so the executor was restarted; earlier state (variables, imports) is lost.');
      }, this.interruptGraceMs);
    };
    interrupt.addEventListener('abort', onAbort, { once: true });
    try {
      executor.phase = 'starting';
      return await this.send<'execute'>(executor, { type: 'execute', code, cellName, cwd: opts.cwd }, (reason) =>
        reason.startsWith('KeyboardInterrupt: ')
          ? keyboardInterrupt(reason.slice('KeyboardInterrupt: '.length))
          : { status: 'error', ename: 'ExecutorDied', evalue: reason, traceback: [`ExecutorDied: ${reason}`] },
        (id) => (requestId = id),
      );
    } finally {
      const cut = this.outputCap.note();
      if (cut) showAnnotation(sink, 'output-cut', cut);
      for (const held of this.displayCap.takeHeld()) sink.updateDisplay(held.displayId, held.data, held.metadata);
      const displayCut = this.displayCap.note();
      if (displayCut) showAnnotation(sink, 'output-cut', displayCut);
      interrupt.removeEventListener('abort', onAbort);
      if (graceTimer) clearTimeout(graceTimer);
      cellOver = true;
      if (repeatTimer) clearInterval(repeatTimer);
      executor.onInterruptSeen = undefined;
      executor.onSyncPart = undefined;
    }
  }

  private request<K extends RequestType>(
    message: Omit<Extract<ClientRequest, { type: K }>, 'id'>,
    fallback: (reason: string) => ReplyTypes[K],
  ): Promise<ReplyTypes[K]> {
    return this.send(this.ensureExecutor(process.cwd()), message, fallback);
  }

  private send<K extends RequestType>(
    executor: Executor,
    message: Omit<Extract<ClientRequest, { type: K }>, 'id'>,
    fallback: (reason: string) => ReplyTypes[K],
    onId?: (id: number) => void,
  ): Promise<ReplyTypes[K]> {
    const id = ++this.nextId;
    onId?.(id);
    return new Promise<ReplyTypes[K]>((resolve, reject) => {
      executor.pending.set(id, {
        settle: (result) => resolve(result as ReplyTypes[K]),
        abandon: (reason) => resolve(fallback(reason)),
      });
      const request = { ...message, id } as unknown as ClientRequest;
      this.post(executor, request, (error) => {
        executor.pending.delete(id);
        reject(error);
      });
    });
  }

  private post(executor: Executor, message: ClientMessage, onError?: (error: Error) => void): void {
    if (!executor.process.connected) {
      onError?.(new Error('the executor is not running'));
      return;
    }
    executor.process.send(message, (error) => {
      if (error) onError?.(error);
    });
  }

  private ensureExecutor(cwd: string): Executor {
    if (this.executor) return this.executor;
    const nonce = randomBytes(8).toString('hex');
    // import() in cells uses vm's main-context loader, still "experimental" in Node 20.
    // When the kernel is isolated, node starts through a wrapper that joins its namespaces.
    const node = enterIsolation(process.execPath, ['--disable-warning=ExperimentalWarning']);
    const child = fork(CHILD_SCRIPT, [], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: killing the executor also ends what its cells started.
      detached: true,
      execPath: node.file,
      execArgv: node.args,
      env: { ...process.env, [FENCE_NONCE_ENV]: nonce },
    });
    const executor: Executor = {
      process: child,
      output: new FencedOutput(nonce, (name, text) => this.stream(name, text)),
      pending: new Map(),
      exited: new Promise<void>((resolve) => child.once('exit', () => resolve())),
      phase: 'starting',
    };
    if (child.stdout) executor.output.attach('stdout', child.stdout);
    if (child.stderr) executor.output.attach('stderr', child.stderr);
    child.on('message', (message: ChildMessage) => this.received(executor, message));
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => void this.exited(executor, code, signal));
    this.executor = executor;
    return executor;
  }

  private received(executor: Executor, message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
        return;
      case 'interruptSeen':
        executor.onInterruptSeen?.();
        return;
      case 'phase':
        executor.phase = message.phase;
        if (message.phase === 'sync') executor.onSyncPart?.();
        return;
      case 'event':
        executor.output.expect(message.fence, () => this.deliver(executor, message.event));
        return;
      case 'reply': {
        const settle = () => {
          const pending = executor.pending.get(message.id);
          executor.pending.delete(message.id);
          pending?.settle(message.result);
        };
        if (message.fence === undefined) settle();
        else executor.output.expect(message.fence, settle);
        return;
      }
      case 'failed': {
        const pending = executor.pending.get(message.id);
        executor.pending.delete(message.id);
        pending?.abandon(`the executor failed: ${message.message}`);
        return;
      }
    }
  }

  private deliver(executor: Executor, event: CellEvent): void {
    const sink = this.sink;
    if (event.kind === 'input') {
      const answer = this.allowStdin && sink ? sink.input(event.prompt, event.password) : Promise.reject(new StdinNotAllowedError());
      answer.then(
        (value) => this.post(executor, { type: 'inputReply', requestId: event.requestId, ok: true, value: String(value) }),
        (error: unknown) =>
          this.post(executor, {
            type: 'inputReply',
            requestId: event.requestId,
            ok: false,
            name: (error as Error)?.name ?? 'Error',
            message: (error as Error)?.message ?? String(error),
          }),
      );
      return;
    }
    if (!sink) return;
    try {
      switch (event.kind) {
        case 'display':
          if (this.displayCap.pass(event.data)) sink.display(event.data, event.metadata, event.displayId);
          else this.displayCap.drop();
          break;
        case 'update':
          if (this.displayCap.pass(event.data)) sink.updateDisplay(event.displayId, event.data, event.metadata);
          else this.displayCap.hold({ displayId: event.displayId, data: event.data, metadata: event.metadata ?? {} });
          break;
        case 'clear':
          sink.clearOutput(event.wait);
          break;
        case 'result':
          sink.executeResult(event.data, event.metadata);
          break;
      }
    } catch {
      // A sink of a finished cell may refuse late output; nothing else to do with it.
    }
  }

  private stream(name: StreamName, text: string): void {
    const shown = this.outputCap.take(text);
    if (!shown) return;
    try {
      this.sink?.stream(name, shown);
    } catch {
      // See deliver().
    }
  }

  private async exited(executor: Executor, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.executor === executor) this.executor = undefined;
    // Read what is still in the pipes (unless something the cell started keeps them open).
    await Promise.race([
      new Promise<void>((resolve) => executor.process.once('close', () => resolve())),
      new Promise<void>((resolve) => setTimeout(resolve, 200).unref()),
    ]);
    executor.output.flushAll();
    const how = signal ? `was killed by signal ${signal}` : `exited with code ${code}`;
    const reason =
      executor.killedBecause ??
      `The TypeScript executor ${how} while running this cell; its state is lost and the next cell starts a fresh executor.`;
    if (executor.pending.size === 0 && !executor.killedBecause) {
      // Died between cells: say so at the next cell instead of losing the state silently.
      this.diedWhileIdle = `The TypeScript executor ${how} between cells; its state is lost and this cell runs in a fresh executor.`;
    }
    for (const pending of executor.pending.values()) pending.abandon(reason);
    executor.pending.clear();
  }

  private async kill(executor: Executor, reason: string): Promise<void> {
    executor.killedBecause ??= reason;
    if (this.executor === executor) this.executor = undefined;
    const pid = executor.process.pid;
    if (executor.process.exitCode === null && executor.process.signalCode === null && pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        executor.process.kill('SIGKILL');
      }
    }
    await executor.exited;
  }

  /**
   * Restart and shutdown: SIGTERM first, so the executor ends the programs
   * its cells launched (they run under helpers in sessions of their own, out
   * of its process group), then SIGKILL to its group.
   */
  private async stop(reason: string): Promise<void> {
    const executor = this.executor;
    this.executor = undefined;
    if (!executor) return;
    executor.killedBecause ??= reason;
    if (executor.process.exitCode === null && executor.process.signalCode === null) {
      executor.process.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([executor.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, TERMINATE_GRACE_MS)))]);
      clearTimeout(timer);
    }
    await this.kill(executor, reason);
    // What cells started directly (child_process) is still in the group after the executor ended.
    if (executor.process.pid !== undefined) {
      try {
        process.kill(-executor.process.pid, 'SIGKILL');
      } catch {
        // Nothing is left in the group.
      }
    }
  }
}

function keyboardInterrupt(evalue: string): CellOutcome {
  return { status: 'error', ename: 'KeyboardInterrupt', evalue, traceback: [`KeyboardInterrupt: ${evalue}`] };
}
