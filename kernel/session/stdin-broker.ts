import type { Request } from './request';

/** Sends one input_request; `msgId` is its header's, which the answer names as its parent. */
export type SendInputRequest = (request: Request, prompt: string, password: boolean) => { msgId: string; sent: Promise<void> };

/**
 * input_request / input_reply on the stdin channel. One question is open at
 * a time (a cell waits for its answer); an interrupt cancels it. An answer
 * counts only when its parent is the open question: a late answer to an
 * earlier question, or one to nothing, is ignored.
 */
export class StdinBroker {
  private pending: { msgId: string; resolve(value: string): void; reject(error: Error): void } | null = null;

  constructor(private readonly sendInputRequest: SendInputRequest) {}

  ask(request: Request, prompt: string, password: boolean): Promise<string> {
    this.cancel(new Error('a newer input request replaced this one'));
    return new Promise<string>((resolve, reject) => {
      const { msgId, sent } = this.sendInputRequest(request, prompt, password);
      this.pending = { msgId, resolve, reject };
      sent.catch(reject);
    });
  }

  get waiting(): boolean {
    return this.pending !== null;
  }

  /** An input_reply: true when it answered the open question, false when it was ignored. */
  answer(parentMsgId: string | undefined, value: string): boolean {
    // A reply naming another request is refused. The classic Notebook sends its input_reply with an
    // empty parent header, as ipykernel allows: that answers the one open question.
    const unparented = parentMsgId === undefined || parentMsgId === '';
    if (!this.pending || (!unparented && parentMsgId !== this.pending.msgId)) return false;
    const { resolve } = this.pending;
    this.pending = null;
    resolve(value);
    return true;
  }

  cancel(error: Error): void {
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }
}
