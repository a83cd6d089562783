import type { Request } from './request';

/**
 * input_request / input_reply on the stdin channel. One question is open at
 * a time (a cell waits for its answer); an interrupt cancels it.
 */
export class StdinBroker {
  private pending: { resolve(value: string): void; reject(error: Error): void } | null = null;

  constructor(private readonly sendInputRequest: (request: Request, prompt: string, password: boolean) => Promise<void>) {}

  ask(request: Request, prompt: string, password: boolean): Promise<string> {
    this.cancel(new Error('a newer input request replaced this one'));
    return new Promise<string>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.sendInputRequest(request, prompt, password).catch(reject);
    });
  }

  get waiting(): boolean {
    return this.pending !== null;
  }

  /** The value of an input_reply; ignored when no question is open. */
  answer(value: string): void {
    if (!this.pending) return;
    const { resolve } = this.pending;
    this.pending = null;
    resolve(value);
  }

  cancel(error: Error): void {
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }
}
