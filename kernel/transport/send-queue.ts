/**
 * zeromq 6 allows one pending send per socket (a second throws EBUSY), so
 * every send on a socket goes through one of these: sends run one after the
 * other, in the order they were asked for, and a failed send is reported
 * without stopping the ones behind it.
 */
export class SendQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (frames: Buffer[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(frames: Buffer[]): Promise<void> {
    const next = this.tail.then(() => this.send(frames)).catch(this.onError);
    this.tail = next;
    return next;
  }

  /** Resolves when everything queued so far has been handed to zeromq. */
  drain(): Promise<void> {
    return this.tail;
  }
}
