/**
 * The interrupt of the shell request being handled now. It is armed when the
 * request's handling begins (before `busy`), not when its cell reaches the
 * interpreter, so an interrupt in between is kept and the cell starts
 * already interrupted. An interrupt while no shell request is handled
 * reaches nothing: it is never kept for a later request.
 */
export class InterruptLatch {
  private current: AbortController | null = null;

  /** A shell request's handling begins: interrupts from now on are its own. */
  arm(): void {
    this.current = new AbortController();
  }

  /** Its handling is over. */
  disarm(): void {
    this.current = null;
  }

  interrupt(): void {
    this.current?.abort();
  }

  /** The signal of the request being handled (a fresh one when none is: a direct call, as in tests). */
  signal(): AbortSignal {
    if (!this.current) this.current = new AbortController();
    return this.current.signal;
  }
}
