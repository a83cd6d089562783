import { readFile } from 'node:fs/promises';
import type { DebugBody, DebugRequest, DebugResponse, EmitDebugEvent } from '../interpreter/debug';
import { CTarget, type DebuggedCommand } from './c-target';
import { CellFiles } from './cell-files';
import { body, DapError } from './dap';
import { TYPESCRIPT_THREAD_ID, TypeScriptTarget } from './typescript-target';

export interface DebuggerHooks {
  /** The TypeScript executor's debugger relay (kernel/executor/host); started with the executor when `start`. */
  typeScriptRelay(start: boolean): Promise<{ socketPath: string } | undefined>;
  /** The C files cells wrote before the debugger was started. */
  knownCellFiles(): { code: string; file: string; magicLineWritten: boolean }[];
  log(text: string): void;
}

type Handler = (args: DebugBody) => Promise<DebugBody | undefined> | DebugBody | undefined;

const numberOf = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The kernel's debug adapter (JEP 47): answers each DAP request of a
 * debug_request, keeps what the frontend asked for (started or not, the
 * breakpoints of each cell file) and routes the rest to the target that runs
 * the code: the V8 inspector of the TypeScript executor. Loaded at the first
 * debug_request only.
 */
export class KernelDebugger {
  private started = false;
  private readonly files = new CellFiles();
  /** Breakpoint lines by file, as the frontend set them (debugInfo gives them back). */
  private readonly breakpoints = new Map<string, number[]>();
  private seq = 0;
  private emitEvent: EmitDebugEvent | undefined;
  private readonly typescript: TypeScriptTarget;
  private readonly c: CTarget;
  private readonly handlers: Record<string, Handler>;

  constructor(private readonly hooks: DebuggerHooks) {
    this.typescript = new TypeScriptTarget({
      relay: (start) => hooks.typeScriptRelay(start),
      emit: (event, eventBody) => this.emit(event, eventBody),
      breakpoints: () => this.breakpoints,
      isCellFile: (file) => this.files.isCellFile(file),
      log: hooks.log,
    });
    this.c = new CTarget({
      emit: (event, eventBody) => this.emit(event, eventBody),
      breakpoints: () => this.breakpoints,
      log: hooks.log,
    });
    this.handlers = {
      initialize: () => ({
        supportsConfigurationDoneRequest: true,
        supportsEvaluateForHovers: true,
        supportsConditionalBreakpoints: false,
        supportsSetVariable: false,
        supportsTerminateRequest: false,
        // Only "all": an error a cell does not catch is still caught by the executor, so V8 never sees one as uncaught.
        exceptionBreakpointFilters: [
          { filter: 'all', label: 'Every thrown exception', description: 'Stop where any exception is thrown, caught or not', default: false },
        ],
      }),
      attach: () => {
        this.started = true;
        this.c.reset();
        for (const { code, file, magicLineWritten } of hooks.knownCellFiles()) this.cellFileWritten(code, file, magicLineWritten);
        this.emit('initialized', {});
        return undefined;
      },
      configurationDone: () => undefined,
      debugInfo: () => ({
        isStarted: this.started,
        hashMethod: 'Murmur2',
        hashSeed: this.files.seed,
        tmpFilePrefix: this.files.prefix,
        tmpFileSuffix: this.files.suffix,
        breakpoints: [...this.breakpoints].map(([source, lines]) => ({ source, breakpoints: lines.map((line) => ({ line })) })),
        stoppedThreads: [...(this.typescript.isPaused ? [TYPESCRIPT_THREAD_ID] : []), ...this.c.stoppedThreads()],
        richRendering: true,
        exceptionPaths: ['JavaScript Exceptions'],
        copyToGlobals: false,
      }),
      dumpCell: async (args) => ({ sourcePath: await this.files.dump(stringOf(args.code) ?? '') }),
      setBreakpoints: (args) => this.setBreakpoints(args),
      setExceptionBreakpoints: async (args) => {
        const filters = Array.isArray(args.filters) ? args.filters.filter((f): f is string => typeof f === 'string') : [];
        await this.typescript.setExceptionBreakpoints(filters);
        return undefined;
      },
      threads: async () => body({ threads: [{ id: TYPESCRIPT_THREAD_ID, name: 'TypeScript cells' }, ...(await this.c.threads())] }),
      stackTrace: async (args) => {
        const threadId = numberOf(args.threadId);
        const stackFrames = this.c.ownsThread(threadId) ? await this.c.stackTrace(threadId ?? 0, args) : this.typescript.stackTrace();
        return body({ stackFrames, totalFrames: stackFrames.length });
      },
      scopes: async (args) => {
        const frameId = this.required(numberOf(args.frameId), 'frameId');
        return body({ scopes: this.c.owns(frameId) ? await this.c.scopes(frameId) : this.typescript.scopes(frameId) });
      },
      variables: async (args) => {
        const reference = this.required(numberOf(args.variablesReference), 'variablesReference');
        return body({ variables: this.c.owns(reference) ? await this.c.variables(reference) : await this.typescript.variables(reference) });
      },
      evaluate: async (args) => {
        const expression = this.required(stringOf(args.expression), 'expression');
        const frameId = numberOf(args.frameId);
        const inC = this.c.owns(frameId) || (frameId === undefined && this.c.stoppedThreads().length > 0 && !this.typescript.isPaused);
        return body(inC ? await this.c.evaluate(expression, frameId, stringOf(args.context) ?? 'repl') : await this.typescript.evaluate(expression, frameId));
      },
      continue: async (args) => {
        const threadId = this.steppedThread(args);
        if (this.c.ownsThread(threadId)) await this.c.control('continue', threadId ?? 0);
        else await this.typescript.resume();
        return { allThreadsContinued: this.c.ownsThread(threadId) };
      },
      next: (args) => this.control('next', args),
      stepIn: (args) => this.control('stepIn', args),
      stepOut: (args) => this.control('stepOut', args),
      pause: (args) => this.control('pause', args),
      source: async (args) => {
        const source = args.source as DebugBody | undefined;
        const file = stringOf(source?.path);
        if (!file) throw new DapError('source: no path given');
        const content = await readFile(file, 'utf8').catch(() => {
          throw new DapError(`source: cannot read ${file}`);
        });
        return { content, mimeType: 'text/plain' };
      },
      inspectVariables: async () => body({ variables: await this.typescript.globals() }),
      richInspectVariables: async (args) => {
        const name = this.required(stringOf(args.variableName), 'variableName');
        const frameId = numberOf(args.frameId);
        if (!this.c.owns(frameId)) return body(await this.typescript.richInspect(name, frameId));
        const shown = await this.c.evaluate(name, frameId, 'repl');
        return { data: { 'text/plain': shown.result }, metadata: {} };
      },
      modules: () => ({ modules: [], totalModules: 0 }),
      disconnect: async () => {
        this.started = false;
        this.breakpoints.clear();
        this.typescript.disconnect();
        await this.c.detach();
        return undefined;
      },
    };
  }

  get isStarted(): boolean {
    return this.started;
  }

  async handle(request: DebugRequest, emitEvent: EmitDebugEvent): Promise<DebugResponse> {
    this.emitEvent = emitEvent;
    const respond = (success: boolean, extra: { body?: DebugBody; message?: string }): DebugResponse => ({
      seq: ++this.seq,
      type: 'response',
      request_seq: request.seq,
      success,
      command: request.command,
      ...extra,
    });
    const handler = this.handlers[request.command];
    if (!handler) return respond(false, { message: `the request '${request.command}' is not supported` });
    try {
      const answer = await handler(request.arguments ?? {});
      return respond(true, answer === undefined ? {} : { body: answer });
    } catch (error) {
      if (!(error instanceof DapError)) this.hooks.log(`debug request ${request.command} failed: ${(error as Error)?.stack ?? String(error)}`);
      return respond(false, { message: (error as Error)?.message ?? String(error) });
    }
  }

  /**
   * Before a TypeScript cell runs: while the debugger is started, the cell
   * runs as its dumped file (returned) with the breakpoints in; else nothing
   * is done and undefined is returned.
   */
  async typeScriptCell(code: string): Promise<string | undefined> {
    if (!this.started) return undefined;
    const file = await this.files.dump(code);
    await this.typescript.prepareCell();
    return file;
  }

  /**
   * A cell (`code`) was written to a C file: `file`, absolute, holding the
   * cell from its magic line on (that line written as a comment when
   * `magicLineWritten`, else left out). Kept only while the debugger is
   * started, so breakpoints in the cell can be put on the file's lines.
   */
  cellFileWritten(code: string, file: string, magicLineWritten: boolean): void {
    if (!this.started) return;
    const lines = code.split('\n');
    const magicLine = lines.findIndex((line) => line.startsWith('%%')) + 1;
    if (magicLine === 0) return;
    // File line = cell line - shift.
    const shift = magicLineWritten ? magicLine - 1 : magicLine;
    this.c.cellFileWritten(this.files.pathOf(code), file, shift);
  }

  /**
   * A command a cell is about to run: when it starts a C program while
   * breakpoints are set in a C cell, the command that runs it under lldb-dap
   * instead; undefined to run it as it is.
   */
  async debugCommand(command: string, cwd: string, notice: (text: string) => void): Promise<DebuggedCommand | undefined> {
    if (!this.started) return undefined;
    return this.c.launch(command, cwd, notice);
  }

  /** The running cell is interrupted: what is paused runs on so that the interrupt ends it. */
  interrupted(): void {
    void this.typescript.interrupted().catch((error: unknown) => this.hooks.log(`debugger: resuming for the interrupt failed: ${String(error)}`));
  }

  async shutdown(): Promise<void> {
    this.started = false;
    this.typescript.disconnect();
    await this.c.shutdown();
    await this.files.removeAll();
  }

  private async setBreakpoints(args: DebugBody): Promise<DebugBody> {
    const source = (args.source ?? {}) as DebugBody;
    const file = this.required(stringOf(source.path), 'source.path');
    const asked = Array.isArray(args.breakpoints) ? args.breakpoints : [];
    const lines = [...new Set(asked.map((b) => numberOf((b as DebugBody | null)?.line)).filter((line): line is number => line !== undefined && line >= 1))];
    if (lines.length > 0) this.breakpoints.set(file, lines);
    else this.breakpoints.delete(file);
    await this.typescript.setBreakpoints(file, lines);
    await this.c.setBreakpoints(file, lines);
    return body({ breakpoints: lines.map((line) => ({ verified: true, line, source: { path: file } })) });
  }

  /**
   * The thread a continue or step is for. JupyterLab 4 sends thread 1 whatever stopped (its debugger
   * service has no current thread), so thread 1 while no TypeScript cell is paused and a C program is
   * stopped means the C program's stopped thread.
   */
  private steppedThread(args: DebugBody): number | undefined {
    const threadId = numberOf(args.threadId);
    if (threadId !== TYPESCRIPT_THREAD_ID || this.typescript.isPaused) return threadId;
    return this.c.stoppedThreads()[0] ?? threadId;
  }

  private async control(command: 'next' | 'stepIn' | 'stepOut' | 'pause', args: DebugBody): Promise<undefined> {
    const threadId = command === 'pause' ? numberOf(args.threadId) : this.steppedThread(args);
    if (this.c.ownsThread(threadId)) await this.c.control(command, threadId ?? 0);
    else if (command === 'pause') await this.typescript.pause();
    else await this.typescript.step(command);
    return undefined;
  }

  private required<T>(value: T | undefined, name: string): T {
    if (value === undefined) throw new DapError(`missing argument '${name}'`);
    return value;
  }

  private emit(event: string, eventBody: DebugBody): void {
    this.emitEvent?.({ seq: ++this.seq, type: 'event', event, body: eventBody });
  }
}
