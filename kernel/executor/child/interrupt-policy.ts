// How the executor child takes an interrupt: which cell it is for, what it
// ends (the cell's code, sleep(), input(), shell commands, libc's async
// calls), when the cell is over afterwards, and how a late SIGINT is kept
// from the next cell. The mechanisms live with what they stop; every
// decision is here.
import process from 'node:process';
import * as vm from 'node:vm';
import { KEYBOARD_INTERRUPT, KeyboardInterrupt } from '../../interpreter/keyboard-interrupt';
import type { CellError, ErrorOutcome } from '../../interpreter/outcome';
import { errorOutcome, interruptOutcome } from '../../interpreter/outcome';
import type { ChildChannel } from './child-channel';
import type { SleepTimers } from './sleep-timers';

/** How long an interrupt waits for interrupted shell commands to end before the cell ends anyway (ms). */
const COMMAND_SETTLE_LIMIT_MS = 1500;
/** How long the watched wait after an interrupted cell lasts (ms). */
const SIGINT_DRAIN_MS = 30;

/** What an interrupt ends, besides the cell's own code. */
export interface ChildInterruptMeans {
  channel: ChildChannel;
  sleeps: SleepTimers;
  /** Ends libc's pending async calls and running shell commands; resolves when the commands ended, or after `settleLimitMs`. */
  interruptBuiltins(settleLimitMs: number): Promise<void>;
}

/** The vm options of code an interrupt must be able to stop while it runs synchronously. */
export type Watchdog = { breakOnSigint: true };

/** The error vm's watchdog throws when a SIGINT stops a synchronous part. */
function isWatchdogInterrupt(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
}

/** The errors this policy threw into cells (a KeyboardInterrupt from libc or sh() keeps its own traceback). */
const thrownByInterrupt = new WeakSet<object>();

export class ChildInterruptPolicy {
  // Interrupts are for one cell: a SIGINT handled late, or a request that crossed the reply, must not stop the next.
  private runningId: number | undefined;
  private wantedFor: number | undefined;
  private cell: { stop(error: unknown): void; commandsEnded?: Promise<void> } | undefined;

  constructor(private readonly means: ChildInterruptMeans) {}

  /** A SIGINT outside a synchronous part (one inside is vm's watchdog's) stops the cell it was meant for. */
  listen(): void {
    process.on('SIGINT', () => this.interruptIfWanted());
  }

  /** The kernel's interrupt request for execute request `id`. */
  requested(id: number): void {
    this.wantedFor = id;
    this.interruptIfWanted();
  }

  /** Execute request `id` is being handled (compiled, then run) until requestEnded(). */
  requestStarted(id: number): void {
    this.runningId = id;
  }

  requestEnded(): void {
    this.runningId = undefined;
  }

  /** An interrupt already asked for the cell about to start (it came while the cell was queued or compiling): it does not start. */
  wantedBeforeStart(): boolean {
    return this.wanted();
  }

  /** The cell's code runs from now until cellEnded(); `stop` ends it with the error given. */
  cellStarted(stop: (error: unknown) => void): void {
    this.cell = { stop };
  }

  cellEnded(): void {
    this.cell = undefined;
  }

  /**
   * Runs the cell's synchronous part under vm's SIGINT watchdog, the only
   * time the kernel may send SIGINT: Node gives SIGINT its default, fatal
   * action for a moment as the watchdog is set up and taken down, so the
   * kernel is told when the part starts and ends.
   */
  runSyncPart<T>(run: (watchdog: Watchdog) => T): T {
    this.means.channel.phase('sync');
    try {
      return run({ breakOnSigint: true });
    } finally {
      this.means.channel.phase('async');
    }
  }

  /** What a cell that threw comes to; after an interrupt it ends only when the commands it ran are gone, as a C cell does. */
  async cellFailed(error: unknown, describe: (error: unknown) => CellError): Promise<ErrorOutcome> {
    if (isWatchdogInterrupt(error)) this.means.channel.interruptSeen();
    if (this.cell?.commandsEnded) await this.cell.commandsEnded;
    const outcome = this.outcomeOf(error, describe);
    if (outcome.ename === KEYBOARD_INTERRUPT) drainPendingSigint();
    return outcome;
  }

  /** The outcome of a thrown error: the interrupt's own, or what `describe` makes of it. */
  outcomeOf(error: unknown, describe: (error: unknown) => CellError): ErrorOutcome {
    if (isWatchdogInterrupt(error) || (typeof error === 'object' && error !== null && thrownByInterrupt.has(error))) {
      return interruptOutcome();
    }
    const { ename, evalue, traceback } = describe(error);
    return errorOutcome(ename, evalue, traceback);
  }

  private wanted(): boolean {
    return this.runningId !== undefined && this.runningId === this.wantedFor;
  }

  private interruptIfWanted(): void {
    if (!this.wanted()) return;
    this.means.channel.interruptSeen();
    this.interruptCell();
  }

  /** Ends the running cell with KeyboardInterrupt (a synchronous loop is stopped by vm itself), and every wait it is in. */
  private interruptCell(): void {
    const cell = this.cell;
    if (!cell) return;
    const error = new KeyboardInterrupt();
    thrownByInterrupt.add(error);
    cell.commandsEnded = this.means.interruptBuiltins(COMMAND_SETTLE_LIMIT_MS);
    cell.stop(error);
    this.means.sleeps.rejectAll(error);
    this.means.channel.rejectInputs(error);
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
