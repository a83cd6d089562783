import process from 'node:process';
import * as vm from 'node:vm';
import type { CellOutcome, ExpressionResult } from '../../interpreter/outcome';
import { interruptBuiltins } from './builtins';
import { CellSyntaxError, compileCell, compileExpression, type CompiledCell, type SyntaxProblem } from './cell-compiler';
import type { Checker } from './checker';
import type { ChildChannel } from './child-channel';
import { writeFully } from './child-channel';
import { helpTarget } from './help-request';
import { rewriteMagicLines } from './magic-lines';
import { resultOf, richValueOf } from './rich-value';
import type { SleepTimers } from './sleep-timers';
import { cellErrorFrom, syntaxErrorOf } from './traceback';

/** Thrown into a running cell by an interrupt. */
export class KeyboardInterrupt extends Error {
  constructor() {
    super('the cell was interrupted');
    this.name = 'KeyboardInterrupt';
  }
}

/**
 * How long a cell waits for its type check before it runs (ms), once the
 * checker is loaded (a check then takes tens of milliseconds). While the
 * checker is still loading, cells do not wait: their type errors are shown
 * as soon as they are known.
 */
const TYPE_CHECK_WAIT_MS = 5000;

interface RunningCell {
  /** Rejecting it ends the cell (interrupt, or an error escaping from a timer). */
  stop(error: unknown): void;
  /** After an interrupt: resolves when the shell commands it interrupted have ended. */
  interrupted?: Promise<void>;
}

/**
 * Runs cells in the executor child's global scope, one at a time: parse,
 * report type errors, run the compiled script (interruptible while it runs
 * synchronously), await its result and show it.
 */
export class CellRunner {
  private readonly cells = new Map<string, CompiledCell>();
  private running: RunningCell | undefined;
  /** Type errors of earlier cells that came in between cells: shown at the start of the next one. */
  private lateTypeErrors: string[] = [];
  /** Whether an interrupt already asked for the cell being started (set by the child's message loop). */
  interruptRequested: () => boolean = () => false;

  constructor(
    private readonly channel: ChildChannel,
    private readonly checker: Checker,
    private readonly sleeps: SleepTimers,
  ) {}

  async execute(cellText: string, cellName: string, cwd: string): Promise<CellOutcome> {
    try {
      if (process.cwd() !== cwd) process.chdir(cwd);
    } catch (error) {
      return { status: 'error', ename: 'Error', evalue: `cannot change to the notebook directory: ${(error as Error).message}`, traceback: [] };
    }
    this.showLateTypeErrors();
    const help = helpTarget(cellText);
    if (help !== undefined) return this.help(help);
    // `!cmd` and `%p` lines become TypeScript, line for line.
    const code = rewriteMagicLines(cellText);
    let compiled: CompiledCell;
    try {
      // Tracebacks quote the cell as the user wrote it.
      compiled = { ...compileCell(code, cellName), source: cellText };
    } catch (error) {
      if (error instanceof CellSyntaxError) return { status: 'error', ...syntaxErrorOf(await this.syntaxProblems(code, error.problem), cellName, cellText) };
      return { status: 'error', ...cellErrorFrom(error, this.cells) };
    }
    this.cells.set(cellName, compiled);
    await this.reportTypeErrors(code, cellName);
    let stop: (error: unknown) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    // An interrupt that came while the cell was queued or compiling: it does not start.
    if (this.interruptRequested()) return { status: 'error', ...this.errorOf(new KeyboardInterrupt()) };
    const running: RunningCell = { stop };
    this.running = running;
    try {
      const script = new vm.Script(compiled.js, { filename: cellName, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
      let completion: Promise<unknown>;
      this.channel.phase('sync');
      try {
        completion = script.runInThisContext({ breakOnSigint: true, displayErrors: false }) as Promise<unknown>;
      } finally {
        this.channel.phase('async');
      }
      const value = await Promise.race([completion, stopped]);
      const result = resultOf(value);
      if (result) this.channel.emit({ kind: 'result', ...result });
      return { status: 'ok' };
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') this.channel.interruptSeen();
      // The cell ends when the commands it ran are gone, as a C cell does.
      if (running.interrupted) await running.interrupted;
      const outcome = { status: 'error' as const, ...this.errorOf(error) };
      if (outcome.ename === 'KeyboardInterrupt') drainPendingSigint();
      return outcome;
    } finally {
      this.running = undefined;
    }
  }

  /** user_expressions: each expression evaluated in the cells' scope, shown as text/plain. */
  evaluate(expressions: Record<string, string>): Record<string, ExpressionResult> {
    const results: Record<string, ExpressionResult> = {};
    for (const [key, expression] of Object.entries(expressions)) {
      try {
        const value: unknown = vm.runInThisContext(compileExpression(expression), { filename: 'user_expressions', breakOnSigint: true });
        results[key] = { status: 'ok', ...richValueOf(value) };
      } catch (error) {
        results[key] = { status: 'error', ...this.errorOf(error) };
      }
    }
    return results;
  }

  /** SIGINT: ends the running cell with KeyboardInterrupt (a synchronous loop is stopped by vm itself). */
  interrupt(): void {
    if (!this.running) return;
    const error = new KeyboardInterrupt();
    this.running.interrupted = interruptBuiltins();
    this.running.stop(error);
    this.sleeps.rejectAll(error);
    this.channel.rejectInputs(error);
  }

  /** An error nobody caught (a timer callback, a forgotten promise): it ends the running cell, or goes to stderr. */
  reportStray(error: unknown, what: string): void {
    if (this.running) {
      this.running.stop(error);
      return;
    }
    const { traceback } = cellErrorFrom(error, this.cells);
    writeFully(2, `${what}: ${traceback.join('\n')}\n`);
  }

  private async help(name: string): Promise<CellOutcome> {
    const text = await this.checker.ask('quickInfo', { code: name, cursorPos: name.length });
    if (text === undefined) {
      writeFully(1, `Object \`${name}\` not found.\n`);
      return { status: 'ok' };
    }
    return { status: 'ok', payload: [{ source: 'page', data: { 'text/plain': text }, start: 0 }] };
  }

  /** The TypeScript parser's words for the problem once the checker is loaded, else the light parser's. */
  private async syntaxProblems(code: string, found: SyntaxProblem): Promise<SyntaxProblem[]> {
    if (!this.checker.loaded) return [found];
    const problems = await this.checker.ask('syntax', { code }).catch(() => []);
    return problems.length > 0 ? problems : [found];
  }

  /**
   * Type errors are shown on stderr and the cell runs anyway. The cell waits
   * for its check only when the checker is loaded; otherwise the errors are
   * shown when they are known: in this cell if it still runs, else at the
   * start of the next one (each line names its cell).
   */
  private async reportTypeErrors(code: string, cellName: string): Promise<void> {
    let shown = false;
    const show = (lines: string[]) => {
      if (shown || lines.length === 0) return;
      shown = true;
      if (this.running) writeFully(2, `${lines.join('\n')}\n`);
      else this.lateTypeErrors.push(...lines);
    };
    const check = this.checker
      .ask('check', { code, cellName })
      .catch((error: unknown) => [`${cellName}: (type check failed: ${(error as Error).message})`])
      .then(show);
    if (!this.checker.loaded) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([check, new Promise<void>((resolve) => (timer = setTimeout(resolve, TYPE_CHECK_WAIT_MS)))]);
    clearTimeout(timer);
    this.showLateTypeErrors();
  }

  private showLateTypeErrors(): void {
    if (this.lateTypeErrors.length === 0) return;
    writeFully(2, `${this.lateTypeErrors.join('\n')}\n`);
    this.lateTypeErrors = [];
  }

  private errorOf(error: unknown) {
    const interrupted = error instanceof KeyboardInterrupt || (error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
    if (interrupted) return { ename: 'KeyboardInterrupt', evalue: 'the cell was interrupted', traceback: ['KeyboardInterrupt: the cell was interrupted'] };
    return cellErrorFrom(error, this.cells);
  }
}

/**
 * vm's watchdog takes a SIGINT on a helper thread, which may get to it only
 * after the cell already ended (a blocking libc call woke with EINTR and threw
 * first); it would then stop the next cell's first moment. After an
 * interrupted cell, a short watched wait takes such a late SIGINT instead.
 */
function drainPendingSigint(): void {
  try {
    vm.runInThisContext(`for (const end = Date.now() + ${SIGINT_DRAIN_MS}; Date.now() < end; );`, { breakOnSigint: true });
  } catch {
    // the late interrupt, taken
  }
}

/** How long the watched wait after an interrupted cell lasts (ms). */
const SIGINT_DRAIN_MS = 30;
