import process from 'node:process';
import * as vm from 'node:vm';
import type { CellError, CellOutcome, ExpressionResult } from '../../interpreter/outcome';
import { errorOutcome, interruptOutcome } from '../../interpreter/outcome';
import { compileCell, syntaxProblems, type CompiledCell } from './cell-compiler';
import type { ChildChannel } from './child-channel';
import { writeFully } from './child-channel';
import { helpTarget } from './help-request';
import type { ChildInterruptPolicy } from './interrupt-policy';
import { rewriteMagicLines } from './magic-lines';
import type { NotebookLanguage } from './language-service';
import { resultOf, richValueOf } from './rich-value';
import { cellErrorFrom, syntaxErrorOf } from './traceback';
import { typescript } from './typescript';

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

  constructor(
    private readonly channel: ChildChannel,
    private readonly language: NotebookLanguage,
    private readonly interrupts: ChildInterruptPolicy,
  ) {}

  async execute(cellText: string, cellName: string, cwd: string): Promise<CellOutcome> {
    try {
      if (process.cwd() !== cwd) process.chdir(cwd);
    } catch (error) {
      return errorOutcome('Error', `cannot change to the notebook directory: ${(error as Error).message}`, []);
    }
    const help = helpTarget(cellText);
    if (help !== undefined) return this.help(help);
    // `!cmd` and `%p` lines become TypeScript, line for line.
    const code = rewriteMagicLines(cellText);
    const problems = syntaxProblems(code);
    if (problems.length > 0) return failed(syntaxErrorOf(problems, cellName, cellText));
    this.reportTypeErrors(code, cellName);
    let compiled: CompiledCell;
    try {
      // Tracebacks quote the cell as the user wrote it.
      compiled = { ...compileCell(code, cellName), source: cellText };
    } catch (error) {
      return failed(cellErrorFrom(error, this.cells));
    }
    this.cells.set(cellName, compiled);
    this.language.addCell(code);
    let stop: (error: unknown) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    if (this.interrupts.wantedBeforeStart()) return interruptOutcome();
    this.running = { stop };
    this.interrupts.cellStarted(stop);
    try {
      const script = new vm.Script(compiled.js, { filename: cellName, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
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
    const ts = typescript();
    const results: Record<string, ExpressionResult> = {};
    for (const [key, expression] of Object.entries(expressions)) {
      try {
        const js = ts
          .transpileModule(`(${expression}\n)`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } })
          .outputText.replace(/^"use strict";/, '');
        const value: unknown = vm.runInThisContext(js, { filename: 'user_expressions', breakOnSigint: true });
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

  private help(name: string): CellOutcome {
    const text = this.language.quickInfo(name, name.length);
    if (text === undefined) {
      writeFully(1, `Object \`${name}\` not found.\n`);
      return { status: 'ok' };
    }
    return { status: 'ok', payload: [{ source: 'page', data: { 'text/plain': text }, start: 0 }] };
  }

  /** Type errors are shown on stderr and the cell runs anyway. */
  private reportTypeErrors(code: string, cellName: string): void {
    let lines: string[];
    try {
      lines = this.language.diagnostics(code, cellName);
    } catch (error) {
      lines = [`(type check failed: ${(error as Error).message})`];
    }
    if (lines.length > 0) writeFully(2, `${lines.join('\n')}\n`);
  }

  private describe(error: unknown): CellError {
    return cellErrorFrom(error, this.cells);
  }
}

function failed(error: CellError): CellOutcome {
  return errorOutcome(error.ename, error.evalue, error.traceback);
}
