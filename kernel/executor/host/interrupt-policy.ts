// How the kernel interrupts a running TypeScript cell: what it sends to the
// executor child, when, and when it gives up and restarts the executor. The
// client supplies the means (IPC, signals, killing); every decision is here.
import type { PhaseChange } from '../protocol';
import { EXECUTOR_RESTART_AFTER_MS, inSeconds } from '../../runner/interrupt-timing';

/** How often an interrupt is repeated while the cell has not stopped (ms). */
const INTERRUPT_REPEAT_MS = 300;
/** How long after a synchronous part starts before SIGINT is sent to it (ms). */
const SYNC_PART_SETTLE_MS = 30;
/** How long a cell may take to stop after an interrupt before the executor is restarted (ms). */
export const DEFAULT_INTERRUPT_GRACE_MS = EXECUTOR_RESTART_AFTER_MS;
/** What the cell says when it did not stop within `graceMs` and the executor was restarted. */
export function restartedAfterInterrupt(graceMs: number): string {
  return `the cell did not stop within ${inSeconds(graceMs)} of the interrupt, so the executor was restarted; earlier state (variables, imports) is lost.`;
}

/**
 * Where the running cell is, as the child last said: 'starting' (compiling, not yet run), 'sync' (its first,
 * synchronous part runs under vm's SIGINT watchdog) or 'async' (after that part).
 */
export type CellPhase = 'starting' | PhaseChange['phase'];

/** What the policy acts through, for the one cell it watches. */
export interface InterruptMeans {
  phase(): CellPhase;
  /** Posts the interrupt request for the cell over IPC (once its request id is known). */
  requestInterrupt(): void;
  /** Sends SIGINT to the executor process. */
  sendSigint(): void;
  /** Kills the executor; the cell ends with a KeyboardInterrupt saying `evalue`. */
  restartExecutor(evalue: string): void;
}

/**
 * The interrupt of one running cell. Node gives SIGINT its default, fatal
 * action for a moment as vm's watchdog for the cell's synchronous part is set
 * up and taken down, and a SIGINT the watchdog took while idle can stop a
 * later cell. So the request goes over IPC, and a SIGINT is sent only when
 * nothing else can work: during that synchronous part (only the watchdog stops
 * it), or after it when the IPC request went unanswered (the child is blocked
 * in a libc call, which SIGINT wakes). Both are repeated until the child says
 * a SIGINT reached its JavaScript (one sent as the part starts can be lost);
 * after the grace time the executor is restarted.
 */
export class CellInterruptPolicy {
  private interrupted = false;
  private seen = false;
  private asked = false;
  // A late timer must never interrupt the next cell.
  private over = false;
  private repeatTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly means: InterruptMeans,
    private readonly graceMs: number,
  ) {}

  /** The user interrupted the cell. */
  interrupt(): void {
    if (this.interrupted || this.over) return;
    this.interrupted = true;
    this.attempt();
    this.repeatTimer = setInterval(() => this.attempt(), INTERRUPT_REPEAT_MS);
    this.graceTimer = setTimeout(() => this.means.restartExecutor(restartedAfterInterrupt(this.graceMs)), this.graceMs);
  }

  /** The child says a SIGINT reached its JavaScript: no more are sent. */
  interruptSeen(): void {
    if (this.interrupted) this.seen = true;
  }

  /** A synchronous part of the cell started. */
  syncPartStarted(): void {
    // Not at once: the window of the default action is right at the start of the part.
    if (this.interrupted) setTimeout(() => this.attempt(), SYNC_PART_SETTLE_MS);
  }

  /** The cell is over, by reply or by the executor's end. */
  end(): void {
    this.over = true;
    if (this.graceTimer) clearTimeout(this.graceTimer);
    if (this.repeatTimer) clearInterval(this.repeatTimer);
  }

  private attempt(): void {
    if (this.over || this.seen) return;
    // Read by the child once its event loop runs again; it also tells SIGINT's listener the cell to stop.
    this.means.requestInterrupt();
    const phase = this.means.phase();
    if (phase === 'sync' || (phase === 'async' && this.asked)) this.means.sendSigint();
    if (phase === 'async') this.asked = true;
  }
}
