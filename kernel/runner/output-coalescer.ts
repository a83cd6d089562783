/**
 * Turns terminal bytes into text for onOutput: UTF-8 decoded without
 * splitting a character across calls, and coalesced so that a flood becomes
 * at most one call per interval while a lone line is passed on at once.
 */
export class OutputCoalescer {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private lastDelivery = 0;

  constructor(
    private readonly deliver: (text: string) => void,
    private readonly intervalMs = 25,
  ) {}

  push(bytes: Uint8Array): void {
    this.pending += this.decoder.decode(bytes, { stream: true });
    if (this.timer || !this.pending) return;
    // Waiting at least one timer tick lets chunks read together go out together.
    const wait = Math.max(0, this.lastDelivery + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.deliverPending(), wait);
  }

  /** Passes on everything held now (before an input request or the end). */
  flush(): void {
    this.deliverPending();
  }

  /** The stream ended: an incomplete character at the end is passed as U+FFFD. */
  end(): void {
    this.pending += this.decoder.decode();
    this.deliverPending();
  }

  private deliverPending(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.lastDelivery = Date.now();
    this.deliver(text);
  }
}
