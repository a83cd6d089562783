import { access, appendFile, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type * as Markdown from '../display/markdown';
import type { OutputSink } from '../interpreter/output-sink';
import type { ExecutorClient } from '../executor/host/client';
import type * as ExecutorHost from '../executor/host/client';
import type * as CodeHelp from '../help/code-help';
import type * as HelpCell from '../help/help-cell';
import type * as PromptHelp from '../help/prompt-typescript-help';
import type * as SystemViews from '../views/system-views';
import type * as PictureMagics from './picture-magics';
import type * as Registry from '../runner/registry';
import type * as RunnerShutdown from '../runner/shutdown';
import type * as RunnerIsolation from '../runner/isolation';
import type { Completeness, CompletionResult, InspectionResult, Interpreter, LanguageFacts } from '../interpreter/interpreter';
import { BaseInterpreter } from '../interpreter/base-interpreter';
import type { CellOutcome, CellRequest, ExpressionResult } from '../interpreter/outcome';
import { errorOutcome as error, interruptOutcome } from '../interpreter/outcome';
import type * as CommandStep from './command-step';
import type { CommMessage, OpenComm } from '../interpreter/comm';
import { languageFacts } from './language-facts';
import { CellPlanner } from './cell-planner';
import { helpRequest } from '../cells/help-syntax';
import type * as CompileRun from '../cells/compile-run';
import type { MagicDialect } from '../cells/dialect';
import type { FileCellPlan, LineMagicPlan } from '../cells/plan';
import type * as PlanCell from '../cells/plan-cell';
import type * as CellCompleteness from '../cells/completeness';
import type * as Debugger from '../debugger/debugger';
import type { DebugRequest, DebugResponse, EmitDebugEvent } from '../interpreter/debug';
import { readSetting } from '../base/settings';

/**
 * A module read at its first use. The kernel answers kernel_info before any
 * of these are loaded, and a notebook loads only the parts its cells use.
 */
function lazy<T>(load: () => T): () => T {
  let module: T | undefined;
  return () => (module ??= load());
}

const markdown = lazy(() => require('../display/markdown') as typeof Markdown);
const executorHost = lazy(() => require('../executor/host/client') as typeof ExecutorHost);
const codeHelp = lazy(() => require('../help/code-help') as typeof CodeHelp);
const helpCell = lazy(() => require('../help/help-cell') as typeof HelpCell);
const promptHelp = lazy(() => require('../help/prompt-typescript-help') as typeof PromptHelp);
const systemViews = lazy(() => require('../views/system-views') as typeof SystemViews);
// The picture magics load Graphviz and vega (on a thread of their own) only when one runs.
const pictureMagics = lazy(() => require('./picture-magics') as typeof PictureMagics);
const registry = lazy(() => require('../runner/registry') as typeof Registry);
const runnerShutdown = lazy(() => require('../runner/shutdown') as typeof RunnerShutdown);
const runnerIsolation = lazy(() => require('../runner/isolation') as typeof RunnerIsolation);
const commandStep = lazy(() => require('./command-step') as typeof CommandStep);
const compileRun = lazy(() => require('../cells/compile-run') as typeof CompileRun);
const planCells = lazy(() => require('../cells/plan-cell') as typeof PlanCell);
const completeness = lazy(() => require('../cells/completeness') as typeof CellCompleteness);
// Read at the first debug_request: a kernel nobody debugs never loads it.
const debuggerModule = lazy(() => require('../debugger/debugger') as typeof Debugger);

/** How many written cell files the engine remembers for a debugger started later. */
const MAX_KNOWN_CELL_FILES = 100;

/** How long after kernel_info the modules every cell needs are read (ms): after the client saw the kernel ready. */
const WARM_UP_DELAY_MS = 500;

export interface InterpreterOptions {
  log(text: string): void;
  /** Strict mode from the start (homework checking): a failing command fails the cell. */
  strict?: boolean;
  cwd?: string;
  /** Variables added to the environment of every command the cells run (`sockbook run -p NAME VALUE`). */
  env?: Record<string, string>;
}

const ok: CellOutcome = { status: 'ok' };

const interrupted = interruptOutcome();

/**
 * Runs cells by their plan: file cells and shell commands
 * through the runner, TypeScript through the executor child process.
 */
export class CellInterpreter extends BaseInterpreter {
  private cwd: string;
  private strict: boolean;
  /** Chosen by the notebook's setup cell when it runs; later file cells follow it. */
  private dialect: MagicDialect = 'union';
  /** Created by the first TypeScript cell, completion or inspection that needs it: a C-only notebook never starts it. */
  private executorClient: ExecutorClient | undefined;
  /** The commands' environment when variables are added to it; else they inherit the kernel's. */
  private readonly commandEnv: NodeJS.ProcessEnv | undefined;
  private readonly planner = new CellPlanner(planCells);
  /** A picture magic ran: a live diagram may need stopping at restart. */
  private picturesUsed = false;
  /** The sinks of the cells running now, latest last: a live picture updates through the running cell, as IPython's update_display does. */
  private readonly runningSinks: OutputSink[] = [];
  /**
   * The C files the latest file cells wrote (by cell code, at most
   * MAX_KNOWN_CELL_FILES): a debugger started later can still put a
   * breakpoint clicked in such a cell on its file.
   */
  private readonly cellFiles = new Map<string, { file: string; magicLineWritten: boolean }>();
  /** Made by the first debug_request; until then the debugger costs nothing. */
  private kernelDebugger: Debugger.KernelDebugger | undefined;
  override readonly hasDebugger = true;
  /** The TypeScript cells run since the start (or restart): their top-level names complete before the checker is loaded. */
  private typescriptCells: string[] = [];

  constructor(private readonly options: InterpreterOptions) {
    super();
    this.cwd = options.cwd ?? process.cwd();
    this.commandEnv = options.env ? { ...process.env, ...options.env } : undefined;
    this.strict = options.strict ?? /^(1|on|true|yes)$/i.test(readSetting('SOCKBOOK_STRICT') ?? '');
  }

  languageFacts(): LanguageFacts {
    return languageFacts();
  }

  /**
   * Reads what the first cell of any kind needs once the client has seen the kernel ready,
   * so the first cell does not wait for it. The TypeScript executor is not started here.
   */
  override prepare(): void {
    setTimeout(() => {
      planCells();
      commandStep();
    }, WARM_UP_DELAY_MS).unref();
  }

  /**
   * C cells are completed and explained from the C library alone: the executor is asked (and started) only for TypeScript.
   * TypeScript help answers from the kernel's completion table while the executor's checker loads.
   */
  private typescriptHelpFor: CodeHelp.TypeScriptHelp | undefined;

  private get typescriptHelp(): CodeHelp.TypeScriptHelp {
    this.typescriptHelpFor ??= promptHelp().promptTypeScriptHelp(
      {
        complete: (code, cursorPos) => this.executor.complete(code, cursorPos),
        inspect: (code, cursorPos, detailLevel) => this.executor.inspect(code, cursorPos, detailLevel),
        checkerLoaded: () => this.executorClient?.checkerLoaded === true,
      },
      () => this.typescriptCells,
      this.options.log,
    );
    return this.typescriptHelpFor;
  }

  private get executor(): ExecutorClient {
    this.executorClient ??= new (executorHost().ExecutorClient)({ env: this.options.env });
    return this.executorClient;
  }

  async execute(request: CellRequest, sink: OutputSink, interrupt: AbortSignal): Promise<CellOutcome> {
    this.runningSinks.push(sink);
    try {
      return await this.executeCell(request, sink, interrupt);
    } finally {
      this.runningSinks.splice(this.runningSinks.indexOf(sink), 1);
    }
  }

  private async executeCell(request: CellRequest, sink: OutputSink, interrupt: AbortSignal): Promise<CellOutcome> {
    const plan = await this.planner.plan(request.code, this.dialect);
    switch (plan.kind) {
      case 'setup':
        if (plan.dialect) this.dialect = plan.dialect;
        return ok;
      case 'python':
        return error('UnsupportedLanguage', plan.message);
      case 'invalid':
        return error(plan.ename, plan.evalue);
      case 'file':
        return this.runFileCell(plan, sink, interrupt, request.code);
      case 'compile-run': {
        const commands = compileRun().compileRunCommands(plan, this.cwd);
        await this.writeCellFile(commands.sourcePath, plan.source, false);
        // The source is the cell without its magic line.
        this.cellFileWritten(request.code, commands.sourcePath, false);
        return this.runCommands([commands.compile, commands.run], sink, interrupt, { stopOnFailure: true });
      }
      case 'bash':
        return this.runCommands([plan.script], sink, interrupt);
      case 'shell':
        return this.runCommands(plan.commands, sink, interrupt);
      case 'line-magic':
        return this.runLineMagic(plan, sink, interrupt);
      case 'typescript': {
        // `?name` shows what Shift-Tab shows (a libc name's man page too).
        // The help modules (man pages, groff) are read only when a cell asks for help.
        const help = helpRequest(plan.code);
        if (help) return helpCell().answerHelp(help, sink, this.typescriptHelp);
        this.typescriptCells.push(plan.code);
        // While the debugger is started the cell runs as the file JupyterLab computes from the cell's code.
        const debugPath = await this.kernelDebugger?.typeScriptCell(request.code);
        const onInterrupt = () => this.kernelDebugger?.interrupted();
        if (debugPath !== undefined) interrupt.addEventListener('abort', onInterrupt, { once: true });
        try {
          // One executor, one global scope: the client queues TypeScript cells, so a cell from another shell waits its turn.
          return await this.executor.execute(plan.code, sink, interrupt, {
            allowStdin: request.allowStdin,
            cwd: this.cwd,
            // Tracebacks name the cell as its prompt does (In [3] -> cell[3]).
            executionCount: request.executionCount,
            ...(debugPath === undefined ? {} : { debugPath }),
          });
        } finally {
          interrupt.removeEventListener('abort', onInterrupt);
        }
      }
    }
  }

  private async writeCellFile(file: string, content: string, append: boolean): Promise<void> {
    const write = () => (append ? appendFile(file, content) : writeFile(file, content));
    // The directory is made only when it is missing (each call is a round trip through the thread pool).
    await write().catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      await mkdir(path.dirname(file), { recursive: true });
      await write();
    });
  }

  private async runFileCell(plan: FileCellPlan, sink: OutputSink, interrupt: AbortSignal, code: string): Promise<CellOutcome> {
    const file = path.resolve(this.cwd, plan.path);
    // Only %%writefile says whether it wrote or overwrote.
    const existed = plan.magic === 'writefile' && (await access(file).then(() => true, () => false));
    await this.writeCellFile(file, plan.content, plan.append === true);
    // The course's magics write their magic line as the file's first line (a comment); %%writefile does not.
    if (plan.append !== true) this.cellFileWritten(code, file, plan.magic !== 'writefile');
    if (plan.magic === 'writefile') {
      // IPython's words for %%writefile
      sink.stream('stdout', `${plan.append ? 'Appending to' : existed ? 'Overwriting' : 'Writing'} ${plan.path}\n`);
    }
    for (const action of plan.actions) {
      if (action.kind === 'markdown') {
        sink.display(markdown().markdownBundle(action.text));
        continue;
      }
      const step = await this.runStep({ command: action.command, cwd: this.cwd, env: this.commandEnv, sink, interrupt, spoilerThreshold: plan.spoilerThreshold });
      if (step.interrupted) return interrupted;
      if (!step.succeeded && this.strict) return error('CommandFailed', `${action.command}: ${step.summary ?? 'failed'}`);
    }
    return ok;
  }

  private cellFileWritten(code: string, file: string, magicLineWritten: boolean): void {
    this.cellFiles.delete(code);
    this.cellFiles.set(code, { file, magicLineWritten });
    if (this.cellFiles.size > MAX_KNOWN_CELL_FILES) this.cellFiles.delete(this.cellFiles.keys().next().value as string);
    this.kernelDebugger?.cellFileWritten(code, file, magicLineWritten);
  }

  /** One command; while the debugger is started, a C program it starts may run under lldb-dap instead. */
  private async runStep(options: CommandStep.CommandStepOptions): Promise<CommandStep.CommandStepResult> {
    const debugged = await this.kernelDebugger?.debugCommand(options.command, options.cwd, (text) => options.sink.stream('stderr', text));
    if (!debugged) return commandStep().runCommandStep(options);
    const onInterrupt = () => debugged.interrupted();
    options.interrupt.addEventListener('abort', onInterrupt, { once: true });
    try {
      return await commandStep().runCommandStep({ ...options, command: debugged.command });
    } finally {
      options.interrupt.removeEventListener('abort', onInterrupt);
      await debugged.finished();
    }
  }

  private async runCommands(
    commands: string[],
    sink: OutputSink,
    interrupt: AbortSignal,
    { stopOnFailure = false } = {},
  ): Promise<CellOutcome> {
    for (const command of commands) {
      const step = await this.runStep({ command, cwd: this.cwd, env: this.commandEnv, sink, interrupt });
      if (step.interrupted) return interrupted;
      if (!step.succeeded && this.strict) return error('CommandFailed', `${command}: ${step.summary ?? 'failed'}`);
      if (!step.succeeded && stopOnFailure) return ok;
    }
    return ok;
  }

  private async runLineMagic(plan: LineMagicPlan, sink: OutputSink, interrupt: AbortSignal): Promise<CellOutcome> {
    switch (plan.name) {
      case 'cd': {
        const target = path.resolve(this.cwd, plan.argument || process.env.HOME || '/');
        try {
          process.chdir(target);
        } catch (e) {
          return error('UsageError', `%cd: ${(e as Error).message}`);
        }
        this.cwd = target;
        sink.stream('stdout', `${target}\n`);
        return ok;
      }
      case 'pwd':
        sink.executeResult({ 'text/plain': `'${this.cwd}'` });
        return ok;
      case 'strict':
        if (plan.argument) this.strict = plan.argument === 'on';
        sink.stream('stdout', `strict mode is ${this.strict ? 'on' : 'off'}\n`);
        return ok;
      case 'ps':
      case 'ss':
      case 'epoll':
        if (plan.name === 'ps' && plan.argument === '--tree') return this.runPictureMagic('ps-tree', '', sink, interrupt);
        return systemViews().runSystemView(plan.name, plan.argument, sink, this.kernelProcesses());
      case 'tcpstates':
      case 'strace':
      case 'packets':
        return this.runPictureMagic(plan.name, plan.argument, sink, interrupt);
    }
  }

  private kernelProcesses(): SystemViews.KernelProcesses {
    return { rootPid: process.pid, executorPid: this.executorClient?.pid, started: registry().listStarted() };
  }

  private runPictureMagic(name: PictureMagics.PictureMagicName, argument: string, sink: OutputSink, interrupt: AbortSignal): Promise<CellOutcome> {
    this.picturesUsed = true;
    return pictureMagics().runPictureMagic(name, argument, {
      sink,
      sinkNow: () => this.runningSinks[this.runningSinks.length - 1] ?? sink,
      cwd: this.cwd,
      kernel: () => this.kernelProcesses(),
      netIsolated: runnerIsolation().isolationStatus()?.active.includes('net') === true,
      run: (command) => commandStep().runCommandStep({ command, cwd: this.cwd, env: this.commandEnv, sink, interrupt }),
    });
  }

  evaluateExpressions(expressions: Record<string, string>): Promise<Record<string, ExpressionResult>> {
    if (Object.keys(expressions).length === 0) return Promise.resolve({});
    return this.executor.evaluateExpressions(expressions);
  }

  complete(code: string, cursorPos: number): Promise<CompletionResult> {
    return codeHelp().completeCode(code, cursorPos, this.typescriptHelp);
  }

  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectionResult> {
    return codeHelp().inspectCode(code, cursorPos, detailLevel, this.typescriptHelp);
  }

  /** Comms live in the TypeScript executor; with none running, a frontend's comm_open has no target and is closed. */
  override async onComm(message: CommMessage, sink: OutputSink, interrupt?: AbortSignal): Promise<void> {
    if (await this.executor.handleComm(message, sink, interrupt)) return;
    await super.onComm(message, sink);
  }

  override openComms(targetName?: string): Promise<OpenComm[]> {
    return this.executor.openComms(targetName);
  }

  /** Only TypeScript goes to the executor's parser; the plan decides the rest. */
  isComplete(code: string): Promise<Completeness> {
    const planned = completeness().plannedCompleteness(code);
    return planned ? Promise.resolve(planned) : this.executor.isComplete(code);
  }

  /** The Jupyter debug protocol: answered by kernel/debugger, which reaches the TypeScript executor's inspector. */
  override debugRequest(request: DebugRequest, emitEvent: EmitDebugEvent): Promise<DebugResponse> {
    this.kernelDebugger ??= new (debuggerModule().KernelDebugger)({
      knownCellFiles: () => [...this.cellFiles].map(([code, written]) => ({ code, ...written })),
      typeScriptRelay: (start) => (start || this.executorClient ? this.executor.debugRelay(start) : Promise.resolve(undefined)),
      log: (text) => this.options.log(text),
    });
    return this.kernelDebugger.handle(request, emitEvent);
  }

  async shutdown(restart: boolean): Promise<void> {
    this.planner.close();
    if (this.picturesUsed) pictureMagics().stopLiveStates();
    await this.kernelDebugger?.shutdown().catch(() => undefined);
    // The executor ends what its cells started (launch(), sh()) first, so their helpers reap them;
    // then the runner's own shutdown: every process commands started, then whatever is left in the cgroups.
    const executor = this.executorClient;
    await Promise.allSettled([restart ? executor?.restart() : executor?.shutdown()]);
    await Promise.allSettled([runnerShutdown().shutdownRunner()]);
    if (restart) {
      this.dialect = 'union'; // the magics go with the restart, as in IPython; the setup cell chooses again
      this.typescriptCells = [];
      this.options.log('restarting: every process of this kernel was ended');
    }
  }
}

export function createInterpreter(options: InterpreterOptions): Interpreter {
  return new CellInterpreter(options);
}
