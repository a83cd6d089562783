import type { Interpreter } from '../interpreter/interpreter';
import type { CellError, CellOutcome } from '../interpreter/outcome';
import type { OutputSink } from '../interpreter/output-sink';
import { planCell } from '../cells/plan-cell';

/** How long an interrupted cell may take to end: well past the runner's SIGKILL and the executor's restart (kernel/runner/interrupt-timing.ts). */
const STOP_PATIENCE_MS = 10_000;
/** After its processes were killed, how long before the kernel is given up for a fresh one. */
const KILL_PATIENCE_MS = 5_000;
/** How long a (re)started TypeScript executor may take to come up. */
const EXECUTOR_START_PATIENCE_MS = 120_000;

export interface CellLimits {
  /** --cell-timeout, in seconds. */
  cellTimeoutSeconds?: number;
  /** Aborted when the notebook's --timeout is over. */
  notebookDeadline: AbortSignal;
  notebookTimeoutSeconds?: number;
}

export type CellVerdict =
  | { status: 'passed' }
  | { status: 'failed' | 'timeout' | 'died'; error: CellError };

/** How a cell ended, and how long it ran (the executor's start-up left out). */
export type CellResult = CellVerdict & { seconds: number };

/** Where the warm-up cell's output goes. */
const DISCARD: OutputSink = {
  allowStdin: false,
  stream: () => undefined,
  display: () => undefined,
  updateDisplay: () => undefined,
  clearOutput: () => undefined,
  executeResult: () => undefined,
  input: () => Promise.reject(new Error('no input')),
};

type Settled = { kind: 'outcome'; outcome: CellOutcome } | { kind: 'crash'; error: Error };

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]).finally(() => clearTimeout(timer));
}

function cellError(ename: string, evalue: string, detail: string[] = []): CellError {
  return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...detail] };
}

/**
 * Runs cells one at a time through an interpreter, under time limits: past
 * its limit a cell is interrupted (as an interrupt_request would), its
 * processes are killed if it does not end, and it ends as a timeout. When the
 * interpreter throws (a command's helper died) or stays stuck, the cell ends
 * as a death and a fresh interpreter runs the next cells.
 */
export class CellRunner {
  private interpreter: Interpreter;
  /** Whether the TypeScript executor may not be up (none yet, or one was killed): its start-up is not a cell's time. */
  private executorCold = true;

  constructor(
    private readonly createInterpreter: () => Interpreter,
    private readonly log: (text: string) => void,
  ) {
    this.interpreter = createInterpreter();
  }

  async run(code: string, executionCount: number, sink: OutputSink, limits: CellLimits): Promise<CellResult> {
    if (this.executorCold && planCell(code).kind === 'typescript') {
      // A silent cell first: the executor starts and its compiler warms up outside the cell's time.
      const warmUp = this.interpreter.execute(
        { code: 'void 0;', executionCount, silent: true, storeHistory: false, allowStdin: false },
        DISCARD,
        new AbortController().signal,
      );
      await within(warmUp.catch(() => undefined), EXECUTOR_START_PATIENCE_MS);
      this.executorCold = false;
    }
    const started = Date.now();
    const verdict = await this.runLimited(code, executionCount, sink, limits);
    if (verdict.status === 'timeout' || verdict.status === 'died') this.executorCold = true;
    return { ...verdict, seconds: (Date.now() - started) / 1000 };
  }

  private async runLimited(code: string, executionCount: number, sink: OutputSink, limits: CellLimits): Promise<CellVerdict> {
    const controller = new AbortController();
    let limit: 'cell' | 'notebook' | undefined;
    const stop = (which: 'cell' | 'notebook') => {
      limit ??= which;
      controller.abort();
    };
    const timer = limits.cellTimeoutSeconds === undefined ? undefined : setTimeout(() => stop('cell'), limits.cellTimeoutSeconds * 1000);
    const onDeadline = () => stop('notebook');
    limits.notebookDeadline.addEventListener('abort', onDeadline, { once: true });
    if (limits.notebookDeadline.aborted) onDeadline();

    const interpreter = this.interpreter;
    const execution: Promise<Settled> = interpreter
      .execute({ code, executionCount, silent: false, storeHistory: true, allowStdin: false }, sink, controller.signal)
      .then(
        (outcome) => ({ kind: 'outcome' as const, outcome }),
        (error: unknown) => ({ kind: 'crash' as const, error: error instanceof Error ? error : new Error(String(error)) }),
      );
    try {
      let settled = await Promise.race([execution, new Promise<undefined>((resolve) => controller.signal.addEventListener('abort', () => resolve(undefined), { once: true }))]);
      settled ??= await within(execution, STOP_PATIENCE_MS);
      if (!settled) {
        this.log(`cell ${executionCount} did not stop after its interrupt: ending every process it started`);
        await within(interpreter.shutdown(true), KILL_PATIENCE_MS);
        settled = await within(execution, KILL_PATIENCE_MS);
      }
      if (!settled) {
        this.log(`cell ${executionCount} is still stuck: a fresh kernel runs the next cells`);
        void interpreter.shutdown(false).catch(() => undefined);
        this.interpreter = this.createInterpreter();
        return {
          status: 'died',
          error: cellError('KernelDied', 'the cell did not end even after its processes were killed; a fresh kernel runs the next cells'),
        };
      }
      return this.judge(settled, limit, limits);
    } finally {
      clearTimeout(timer);
      limits.notebookDeadline.removeEventListener('abort', onDeadline);
    }
  }

  private judge(settled: Settled, limit: 'cell' | 'notebook' | undefined, limits: CellLimits): CellVerdict {
    if (settled.kind === 'crash') {
      // The interpreter settles every cell with an outcome unless its machinery failed: a command's helper died.
      return {
        status: 'died',
        error: cellError('RunnerDied', `${settled.error.message}; the next command starts a fresh helper`),
      };
    }
    const { outcome } = settled;
    if (outcome.status === 'ok') return { status: 'passed' };
    const original = `(${outcome.ename}: ${outcome.evalue})`;
    if (limit === 'cell') {
      return {
        status: 'timeout',
        error: cellError('CellTimeoutError', `the cell ran longer than ${limits.cellTimeoutSeconds} s (--cell-timeout) and was stopped`, [original]),
      };
    }
    if (limit === 'notebook') {
      return {
        status: 'timeout',
        error: cellError(
          'NotebookTimeoutError',
          `the notebook ran longer than ${limits.notebookTimeoutSeconds} s (--timeout): this cell was stopped and the rest are not run`,
          [original],
        ),
      };
    }
    if (outcome.ename === 'ExecutorDied') return { status: 'died', error: outcome };
    return { status: 'failed', error: outcome };
  }

  shutdown(): Promise<void> {
    return this.interpreter.shutdown(false);
  }
}
