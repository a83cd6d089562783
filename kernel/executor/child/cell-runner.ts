import process from 'node:process';
import * as vm from 'node:vm';
import type { CellError, CellOutcome, ExpressionResult } from '../../interpreter/outcome';
import { errorOutcome, interruptOutcome } from '../../interpreter/outcome';
import { CellSyntaxError, compileCell, compileExpression, DEBUG_LINE_OFFSET, type CompiledCell, type SyntaxProblem } from './cell-compiler';
import type { Checker } from './checker';
import type { ChildChannel } from './child-channel';
import { writeFully } from './child-channel';
import type { ChildInterruptPolicy } from './interrupt-policy';
import { rewriteMagicLines } from './magic-lines';
import { resultOf, richValueOf } from './rich-value';
import { cellErrorFrom, syntaxErrorOf } from './traceback';

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

  constructor(
    private readonly channel: ChildChannel,
    private readonly checker: Checker,
    private readonly interrupts: ChildInterruptPolicy,
  ) {}

  /** With `debugPath` (the debugger is started) the script is that file to the inspector, line for line the cell. */
  async execute(cellText: string, cellName: string, cwd: string, debugPath?: string): Promise<CellOutcome> {
    try {
      if (process.cwd() !== cwd) process.chdir(cwd);
    } catch (error) {
      return errorOutcome('Error', `cannot change to the notebook directory: ${(error as Error).message}`, []);
    }
    this.showLateTypeErrors();
    // `!cmd` and `%p` lines become TypeScript, line for line.
    const code = rewriteMagicLines(cellText);
    let compiled: CompiledCell;
    try {
      // Tracebacks quote the cell as the user wrote it.
      compiled = { ...compileCell(code, cellName, { wrapperLine: debugPath !== undefined }), source: cellText };
    } catch (error) {
      if (error instanceof CellSyntaxError) return failed(syntaxErrorOf(await this.syntaxProblems(code, error.problem), cellName, cellText));
      return failed(cellErrorFrom(error, this.cells));
    }
    this.cells.set(cellName, compiled);
    if (debugPath !== undefined) this.cells.set(debugPath, compiled);
    await this.reportTypeErrors(code, cellName);
    let stop: (error: unknown) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    if (this.interrupts.wantedBeforeStart()) return interruptOutcome();
    this.running = { stop };
    this.interrupts.cellStarted(stop);
    try {
      const script = new vm.Script(compiled.js, {
        filename: debugPath ?? cellName,
        lineOffset: debugPath === undefined ? 0 : DEBUG_LINE_OFFSET,
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
      const completion = this.interrupts.runSyncPart(
        (watchdog) => script.runInThisContext({ ...watchdog, displayErrors: false }) as Promise<unknown>,
      );
      const value = await Promise.race([completion, stopped]);
      const result = resultOf(value);
      if (result) this.channel.emit({ kind: 'result', ...result });
      return { status: 'ok' };
    } catch (error) {
      return await this.interrupts.cellFailed(error, (thrown) => this.describe(thrown));
    } finally {
      this.interrupts.cellEnded();
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
        results[key] = this.interrupts.outcomeOf(error, (thrown) => this.describe(thrown));
      }
    }
    return results;
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

  private describe(error: unknown): CellError {
    return cellErrorFrom(error, this.cells);
  }
}

function failed(error: CellError): CellOutcome {
  return errorOutcome(error.ename, error.evalue, error.traceback);
}
