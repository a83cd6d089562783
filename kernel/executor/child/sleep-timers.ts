/** The sleep() built-in, whose pending waits an interrupt ends at once. */
export class SleepTimers {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; reject(error: Error): void }>();

  sleep(ms: number): Promise<void> {
    const delay = Number(ms);
    if (!Number.isFinite(delay) || delay < 0) return Promise.reject(new RangeError(`sleep() takes a number of milliseconds >= 0, got ${String(ms)}`));
    return new Promise<void>((resolve, reject) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve();
        }, Math.min(delay, 2 ** 31 - 1)),
        reject,
      };
      this.pending.add(entry);
    });
  }

  rejectAll(error: Error): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    this.pending.clear();
  }
}
