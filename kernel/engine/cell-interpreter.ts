import { access, appendFile, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { markdownBundle } from '../display/markdown';
import type { OutputSink } from '../interpreter/output-sink';
import { ExecutorClient } from '../executor/host/client';
import { inspectCode, completeCode } from '../help/code-help';
import { runSystemView } from '../views/system-views';
import { listStarted } from '../runner/registry';
import { shutdownRunner } from '../runner/shutdown';
import type { Completeness, CompletionResult, InspectionResult, Interpreter } from '../interpreter/interpreter';
import type { CellOutcome, CellRequest, ExpressionResult } from '../interpreter/outcome';
import { runCommandStep } from './command-step';
import { compileRunCommands } from '../cells/compile-run';
import type { FileCellPlan, LineMagicPlan } from '../cells/plan';
import { planCell } from '../cells/plan-cell';
import { plannedCompleteness } from '../cells/completeness';

export interface InterpreterOptions {
  log(text: string): void;
  /** Strict mode from the start (homework checking): a failing command fails the cell. */
  strict?: boolean;
  cwd?: string;
}

const ok: CellOutcome = { status: 'ok' };

function error(ename: string, evalue: string): CellOutcome {
  return { status: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

const interrupted = error('KeyboardInterrupt', 'interrupted by the user');

/**
 * Runs cells by their plan: file cells and shell commands
 * through the runner, TypeScript through the executor child process.
 */
export class CellInterpreter implements Interpreter {
  private cwd: string;
  private strict: boolean;
  private readonly executor = new ExecutorClient();

  constructor(private readonly options: InterpreterOptions) {
    this.cwd = options.cwd ?? process.cwd();
    this.strict = options.strict ?? /^(1|on|true|yes)$/i.test(process.env.SOCKBOOK_STRICT ?? '');
  }

  /** The executor process starts in the background, so the first TypeScript cell does not wait for it. */
  prepare(): void {
    this.executor.start(this.cwd);
  }

  async execute(request: CellRequest, sink: OutputSink, interrupt: AbortSignal): Promise<CellOutcome> {
    const plan = planCell(request.code);
    switch (plan.kind) {
      case 'setup':
        return ok;
      case 'python':
        return error('UnsupportedLanguage', plan.message);
      case 'invalid':
        return error(plan.ename, plan.evalue);
      case 'file':
        return this.runFileCell(plan, sink, interrupt);
      case 'compile-run': {
        const commands = compileRunCommands(plan, this.cwd);
        await this.writeCellFile(commands.sourcePath, plan.source, false);
        return this.runCommands([commands.compile, commands.run], sink, interrupt, { stopOnFailure: true });
      }
      case 'bash':
        return this.runCommands([plan.script], sink, interrupt);
      case 'shell':
        return this.runCommands(plan.commands, sink, interrupt);
      case 'line-magic':
        return this.runLineMagic(plan, sink);
      case 'typescript':
        return this.executor.execute(plan.code, sink, interrupt, { allowStdin: request.allowStdin, cwd: this.cwd });
    }
  }

  private async writeCellFile(file: string, content: string, append: boolean): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    await (append ? appendFile(file, content) : writeFile(file, content));
  }

  private async runFileCell(plan: FileCellPlan, sink: OutputSink, interrupt: AbortSignal): Promise<CellOutcome> {
    const file = path.resolve(this.cwd, plan.path);
    const existed = await access(file).then(() => true, () => false);
    await this.writeCellFile(file, plan.content, plan.append === true);
    if (plan.magic === 'writefile') {
      // IPython's words for %%writefile
      sink.stream('stdout', `${plan.append ? 'Appending to' : existed ? 'Overwriting' : 'Writing'} ${plan.path}\n`);
    }
    for (const action of plan.actions) {
      if (action.kind === 'markdown') {
        sink.display(markdownBundle(action.text));
        continue;
      }
      const step = await runCommandStep({ command: action.command, cwd: this.cwd, sink, interrupt, spoilerThreshold: plan.spoilerThreshold });
      if (step.interrupted) return interrupted;
      if (!step.succeeded && this.strict) return error('CommandFailed', `${action.command}: ${step.summary ?? 'failed'}`);
    }
    return ok;
  }

  private async runCommands(
    commands: string[],
    sink: OutputSink,
    interrupt: AbortSignal,
    { stopOnFailure = false } = {},
  ): Promise<CellOutcome> {
    for (const command of commands) {
      const step = await runCommandStep({ command, cwd: this.cwd, sink, interrupt });
      if (step.interrupted) return interrupted;
      if (!step.succeeded && this.strict) return error('CommandFailed', `${command}: ${step.summary ?? 'failed'}`);
      if (!step.succeeded && stopOnFailure) return ok;
    }
    return ok;
  }

  private async runLineMagic(plan: LineMagicPlan, sink: OutputSink): Promise<CellOutcome> {
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
        return runSystemView(plan.name, plan.argument, sink, { rootPid: process.pid, executorPid: this.executor.pid, started: listStarted() });
    }
  }

  evaluateExpressions(expressions: Record<string, string>): Promise<Record<string, ExpressionResult>> {
    return this.executor.evaluateExpressions(expressions);
  }

  complete(code: string, cursorPos: number): Promise<CompletionResult> {
    return completeCode(code, cursorPos, this.executor);
  }

  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectionResult> {
    return inspectCode(code, cursorPos, detailLevel, this.executor);
  }

  /** Only TypeScript goes to the executor's parser; the plan decides the rest. */
  isComplete(code: string): Promise<Completeness> {
    const planned = plannedCompleteness(code);
    return planned ? Promise.resolve(planned) : this.executor.isComplete(code);
  }

  async shutdown(restart: boolean): Promise<void> {
    // The runner's own shutdown: every process commands started, then the process guard's cgroup.
    await Promise.allSettled([shutdownRunner(), restart ? this.executor.restart() : this.executor.shutdown()]);
    if (restart) this.options.log('restarting: every process of this kernel was ended');
  }
}

export function createInterpreter(options: InterpreterOptions): Interpreter {
  return new CellInterpreter(options);
}
