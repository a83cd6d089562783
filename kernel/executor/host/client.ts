import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { showAnnotation } from '../../display/annotation';
import type { OutputSink } from '../../interpreter/output-sink';
import { StdinNotAllowedError } from '../../interpreter/output-sink';
import { executorEnvironment, executorLaunch } from '../../runner/executor-launch';
import { withExtraCaCertsAside } from '../../runner/extra-ca-certs';
import type { Completeness, CompletionResult, InspectionResult } from '../../interpreter/interpreter';
import type { CellOutcome, ExpressionResult } from '../../interpreter/outcome';
import { errorOutcome, interruptOutcome } from '../../interpreter/outcome';
import { INTERRUPTED_BEFORE_START } from '../../interpreter/keyboard-interrupt';
import type { CommMessage, OpenComm } from '../../interpreter/comm';
import { FencedOutput, type StreamName } from './fenced-output';
import { CellInterruptPolicy, DEFAULT_INTERRUPT_GRACE_MS, type CellPhase } from './interrupt-policy';
import { DisplayCap, OutputCap } from './output-cap';
import type { CellEvent, ChildMessage, ClientMessage, ClientRequest, ReplyTypes } from '../protocol';
import { FENCE_NONCE_ENV } from '../protocol';

export interface ExecuteOptions {
  allowStdin: boolean;
  /** The notebook's directory; the cell runs there. */
  cwd: string;
  /** Names the cell in tracebacks (`cell[3]`); counted by the client when left out. */
  executionCount?: number;
  /** Set while the debugger is started: the cell runs as this file (its dumped path), line for line. */
  debugPath?: string;
}

export interface ExecutorClientOptions {
  /** How long a cell may take to stop after an interrupt before the executor is killed (ms). */
  interruptGraceMs?: number;
  /** Variables added to the executor's environment, so every command its cells run gets them. */
  env?: Record<string, string>;
}

type RequestType = keyof ReplyTypes;

/** Why the executor went away; `interrupted` when an interrupt that did not stop the cell ended it. */
interface ExecutorLoss {
  reason: string;
  interrupted: boolean;
}

interface PendingRequest {
  settle(result: unknown): void;
  /** The child went away before replying. */
  abandon(loss: ExecutorLoss): void;
}

/** One executor child process and what is waiting on it. */
interface Executor {
  process: ChildProcess;
  output: FencedOutput;
  pending: Map<number, PendingRequest>;
  exited: Promise<void>;
  /** Set when the client killed it on purpose, with the reason cells are told. */
  killedBecause?: ExecutorLoss;
  /** Where the running cell is, as the child last said. */
  phase: CellPhase;
  /** The interrupt policy of the running cell, told what the child reports. */
  interrupts?: CellInterruptPolicy;
  /** Whether its type checker is loaded, as the child last said. */
  checkerLoaded?: boolean;
}

const CHILD_SCRIPT = path.join(__dirname, '..', 'child', 'child.js');
/**
 * A 4 MB semi-space: the young generation's pages are what a cell's garbage
 * touches, and 16 MB of them per kernel is a lot on a course server; with
 * 1 MB, the scavenges while the first cell loads the transpiler cost it about
 * 40 ms (the measurements are in docs/footprint.md).
 */
const EXECUTOR_NODE_FLAGS = ['--max-semi-space-size=4'];
/**
 * glibc's malloc for the executor: one arena (the checker thread would get
 * its own, mostly freed after the compiler loads) and freed memory given back
 * to the system. The child removes these from its environment at start, so
 * the programs cells run do not inherit them.
 */
const EXECUTOR_MALLOC_ENV: Record<string, string> = {
  MALLOC_ARENA_MAX: '1',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_MMAP_THRESHOLD_: '131072',
};
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
  /**
   * Where output goes: the running cell's sink, else the sink of the
   * frontend's comm message being handled, else the last cell's (output of
   * background work).
   */
  private sink: OutputSink | undefined;
  /** The sink of the cell running now, if one is. */
  private cellSink: OutputSink | undefined;
  private allowStdin = false;
  private readonly interruptGraceMs: number;
  private diedWhileIdle: string | undefined;
  private outputCap = new OutputCap();
  private readonly extraEnv: Record<string, string>;
  /** The sink of each request (cell or comm message) in flight, for the comm messages it causes. */
  private readonly originSinks = new Map<number, OutputSink>();
  private displayCap = new DisplayCap();

  constructor(options: ExecutorClientOptions = {}) {
    this.interruptGraceMs = options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS;
    this.extraEnv = options.env ?? {};
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
    return this.request<'expressions'>({ type: 'expressions', expressions: exprs }, ({ reason }) =>
      Object.fromEntries(Object.keys(exprs).map((key) => [key, errorOutcome('ExecutorDied', reason, [])])),
    );
  }

  complete(code: string, cursorPos: number): Promise<CompletionResult> {
    return this.request<'complete'>({ type: 'complete', code, cursorPos }, () => ({ matches: [], cursorStart: cursorPos, cursorEnd: cursorPos }));
  }

  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectionResult> {
    return this.request<'inspect'>({ type: 'inspect', code, cursorPos, detailLevel }, () => ({ found: false, data: {} }));
  }

  /** Whether the executor's type checker is loaded now, as the executor last said; false when no executor runs. */
  get checkerLoaded(): boolean {
    return this.executor?.checkerLoaded === true;
  }

  isComplete(code: string): Promise<Completeness> {
    return this.request<'isComplete'>({ type: 'isComplete', code }, () => ({ status: 'unknown' }));
  }

  /** True while an executor process is up (comms live in it). */
  get running(): boolean {
    return this.executor !== undefined;
  }

  /**
   * A frontend's comm message for the cells' comms. The comm messages it
   * causes go to `sink`; `interrupt` stops the handlers' commands and the
   * wait for them. False when no executor runs (so no comm or target of the
   * cells exists).
   */
  async handleComm(comm: CommMessage, sink: OutputSink, interrupt?: AbortSignal): Promise<boolean> {
    const executor = this.executor;
    if (!executor) return false;
    let id: number | undefined;
    const onAbort = () => {
      if (id !== undefined) this.post(executor, { type: 'interrupt', id });
    };
    interrupt?.addEventListener('abort', onAbort, { once: true });
    // With no cell running, what the handler prints is parented to the comm message, as ipykernel does;
    // so a widget's Output can capture it (the frontend routes outputs by their parent's msg_id).
    const previous = this.sink;
    const previousCap = this.outputCap;
    // Its own output cap too: the last cell's, perhaps already full, would hide what the handler prints.
    const commCap = new OutputCap();
    if (!this.cellSink) {
      this.sink = sink;
      this.outputCap = commCap;
    }
    try {
      await this.send<'comm'>(executor, { type: 'comm', comm, msgId: sink.parentMsgId }, () => null, (requestId) => {
        id = requestId;
        this.originSinks.set(requestId, sink);
      });
    } finally {
      interrupt?.removeEventListener('abort', onAbort);
      if (id !== undefined) this.originSinks.delete(id);
      if (this.sink === sink && !this.cellSink) this.sink = previous;
      if (this.outputCap === commCap) {
        const cut = commCap.note();
        if (cut) showAnnotation(sink, 'output-cut', cut);
        this.outputCap = previousCap;
      }
      commCap.close();
    }
    return true;
  }

  /** The cells' open comms (none when no executor runs). */
  openComms(targetName?: string): Promise<OpenComm[]> {
    if (!this.executor) return Promise.resolve([]);
    return this.request<'openComms'>({ type: 'openComms', targetName }, () => []);
  }

  /**
   * The debugger's relay in the executor (started when missing, and the
   * executor with it when `start`): the Unix socket to connect to, as a path
   * this process can reach even when the executor has a private /tmp.
   * Undefined when no executor runs and `start` is false.
   */
  async debugRelay(start: boolean): Promise<{ socketPath: string; pid: number } | undefined> {
    if (!this.executor && !start) return undefined;
    const executor = this.ensureExecutor(process.cwd());
    const pid = executor.process.pid;
    let lost = '';
    const reply = await this.send<'debugRelay'>(executor, { type: 'debugRelay' }, ({ reason }) => {
      lost = reason;
      return { socketPath: '' };
    });
    if (lost) throw new Error(lost);
    if (pid === undefined) return undefined;
    return { socketPath: `/proc/${pid}/root${reply.socketPath}`, pid };
  }

  /** Ends the executor; the next cell starts a fresh one with no state. */
  async restart(): Promise<void> {
    await this.stop({ reason: 'the executor was restarted', interrupted: false });
  }

  async shutdown(): Promise<void> {
    await this.stop({ reason: 'the kernel is shutting down', interrupted: false });
  }

  private async runCell(code: string, sink: OutputSink, interrupt: AbortSignal, opts: ExecuteOptions): Promise<CellOutcome> {
    this.cellCount++;
    if (interrupt.aborted) return interruptOutcome(INTERRUPTED_BEFORE_START);
    const executor = this.ensureExecutor(opts.cwd);
    this.sink = sink;
    this.cellSink = sink;
    if (this.diedWhileIdle) {
      showAnnotation(sink, 'notice', this.diedWhileIdle);
      this.diedWhileIdle = undefined;
    }
    this.allowStdin = opts.allowStdin;
    this.outputCap.close();
    this.outputCap = new OutputCap();
    this.displayCap = new DisplayCap();
    const cellName = `cell[${opts.executionCount ?? this.cellCount}]`;
    let requestId: number | undefined;
    const interrupts = new CellInterruptPolicy(
      {
        phase: () => executor.phase,
        requestInterrupt: () => {
          if (requestId !== undefined) this.post(executor, { type: 'interrupt', id: requestId });
        },
        sendSigint: () => executor.process.kill('SIGINT'),
        restartExecutor: (evalue) => void this.kill(executor, { reason: evalue, interrupted: true }),
      },
      this.interruptGraceMs,
    );
    executor.interrupts = interrupts;
    const onAbort = () => interrupts.interrupt();
    interrupt.addEventListener('abort', onAbort, { once: true });
    try {
      executor.phase = 'starting';
      return await this.send<'execute'>(
        executor,
        {
          type: 'execute',
          code,
          cellName,
          cwd: opts.cwd,
          msgId: sink.parentMsgId,
          ...(opts.debugPath === undefined ? {} : { debugPath: opts.debugPath }),
        },
        (loss) => (loss.interrupted ? interruptOutcome(loss.reason) : errorOutcome('ExecutorDied', loss.reason)),
        (id) => {
          requestId = id;
          this.originSinks.set(id, sink);
        },
      );
    } finally {
      if (this.cellSink === sink) this.cellSink = undefined;
      if (requestId !== undefined) this.originSinks.delete(requestId);
      const cut = this.outputCap.note();
      if (cut) showAnnotation(sink, 'output-cut', cut);
      for (const held of this.displayCap.takeHeld()) sink.updateDisplay(held.displayId, held.data, held.metadata);
      const displayCut = this.displayCap.note();
      if (displayCut) showAnnotation(sink, 'output-cut', displayCut);
      interrupt.removeEventListener('abort', onAbort);
      interrupts.end();
      if (executor.interrupts === interrupts) executor.interrupts = undefined;
    }
  }

  private request<K extends RequestType>(
    message: Omit<Extract<ClientRequest, { type: K }>, 'id'>,
    fallback: (loss: ExecutorLoss) => ReplyTypes[K],
  ): Promise<ReplyTypes[K]> {
    return this.send(this.ensureExecutor(process.cwd()), message, fallback);
  }

  private send<K extends RequestType>(
    executor: Executor,
    message: Omit<Extract<ClientRequest, { type: K }>, 'id'>,
    fallback: (loss: ExecutorLoss) => ReplyTypes[K],
    onId?: (id: number) => void,
  ): Promise<ReplyTypes[K]> {
    const id = ++this.nextId;
    onId?.(id);
    return new Promise<ReplyTypes[K]>((resolve, reject) => {
      executor.pending.set(id, {
        settle: (result) => resolve(result as ReplyTypes[K]),
        abandon: (loss) => resolve(fallback(loss)),
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
    // Node starts through wrappers that make it die with the kernel, join the kernel's cgroups and namespaces.
    const node = executorLaunch(process.execPath, ['--disable-warning=ExperimentalWarning', ...EXECUTOR_NODE_FLAGS]);
    const child = fork(CHILD_SCRIPT, [], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: killing the executor also ends what its cells started.
      detached: true,
      execPath: node.file,
      execArgv: node.args,
      env: withExtraCaCertsAside({ ...process.env, ...EXECUTOR_MALLOC_ENV, ...executorEnvironment(), ...this.extraEnv, [FENCE_NONCE_ENV]: nonce }),
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
      case 'checker':
        executor.checkerLoaded = message.loaded;
        return;
      case 'interruptSeen':
        executor.interrupts?.interruptSeen();
        return;
      case 'phase':
        executor.phase = message.phase;
        if (message.phase === 'sync') executor.interrupts?.syncPartStarted();
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
        pending?.abandon({ reason: `the executor failed: ${message.message}`, interrupted: false });
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
    if (event.kind === 'comm') {
      // Parented to what caused it; a comm message from later work goes with the last cell.
      const target = (event.origin !== undefined ? this.originSinks.get(event.origin) : undefined) ?? sink;
      target?.comm?.(event.comm);
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
    const loss = executor.killedBecause ?? {
      reason: `The TypeScript executor ${how} while running this cell; its state is lost and the next cell starts a fresh executor.`,
      interrupted: false,
    };
    if (executor.pending.size === 0 && !executor.killedBecause) {
      // Died between cells: say so at the next cell instead of losing the state silently.
      this.diedWhileIdle = `The TypeScript executor ${how} between cells; its state is lost and this cell runs in a fresh executor.`;
    }
    for (const pending of executor.pending.values()) pending.abandon(loss);
    executor.pending.clear();
  }

  private async kill(executor: Executor, loss: ExecutorLoss): Promise<void> {
    executor.killedBecause ??= loss;
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
  private async stop(loss: ExecutorLoss): Promise<void> {
    const executor = this.executor;
    this.executor = undefined;
    if (!executor) return;
    executor.killedBecause ??= loss;
    if (executor.process.exitCode === null && executor.process.signalCode === null) {
      executor.process.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([executor.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, TERMINATE_GRACE_MS)))]);
      clearTimeout(timer);
    }
    await this.kill(executor, loss);
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
