import { INPUT_INTERRUPTED, KeyboardInterrupt } from '../interpreter/keyboard-interrupt';
import { HistoryStore } from './history';
import { InterruptLatch } from './interrupt-latch';
import type { KernelContext, KernelServices, Request } from './request';
import { StdinBroker, type SendInputRequest } from './stdin-broker';

/**
 * One shell of the kernel: the main shell, or a subshell (JEP 91). Each has
 * its own queue (its requests run one at a time, in arrival order, while
 * other shells run theirs), its own execution count and history, its own
 * stop-on-error aborts and its own open input question. What is the
 * kernel's as a whole (the interpreter, interrupt, shutdown, subshells)
 * comes from `kernel`.
 */
export class Shell implements KernelContext {
  readonly history = new HistoryStore();
  executionCount = 0;
  abortThrough = 0;
  lastSequence = 0;
  private tail: Promise<void> = Promise.resolve();
  /** Armed when one of this shell's requests begins (before busy), so an interrupt before its cell starts is kept. */
  private readonly interrupts = new InterruptLatch();
  private readonly stdin: StdinBroker;

  constructor(
    /** null for the main shell. */
    readonly subshellId: string | null,
    private readonly kernel: KernelServices,
    sendInputRequest: SendInputRequest,
  ) {
    this.stdin = new StdinBroker(sendInputRequest);
  }

  get interpreter() {
    return this.kernel.interpreter;
  }

  get subshells() {
    return this.kernel.subshells;
  }

  /** Counts a request in; returns its sequence number. */
  receive(): number {
    return ++this.lastSequence;
  }

  /** Queues a request behind the ones this shell already has. */
  enqueue(run: () => Promise<void>): void {
    this.tail = this.tail.then(run);
  }

  /** Resolves once everything queued so far has run. */
  drained(): Promise<void> {
    return this.tail;
  }

  /** One of this shell's requests begins: interrupts from now on are its own. */
  arm(): void {
    this.interrupts.arm();
  }

  disarm(): void {
    this.interrupts.disarm();
  }

  beginCell(): AbortSignal {
    return this.interrupts.signal();
  }

  beginShutdown(): void {
    this.kernel.beginShutdown();
  }

  /** This shell's part of an interrupt: its running cell, and its open input question. */
  interruptHere(): void {
    this.interrupts.interrupt();
    this.stdin.cancel(new KeyboardInterrupt(INPUT_INTERRUPTED));
  }

  /** An interrupt is for the kernel: every shell's running cell stops. */
  interrupt(): void {
    this.kernel.interrupt();
  }

  askInput(request: Request, prompt: string, password: boolean): Promise<string> {
    return this.stdin.ask(request, prompt, password);
  }

  /** True while one of this shell's cells waits for an input_reply. */
  get waitingForInput(): boolean {
    return this.stdin.waiting;
  }

  /** An input_reply for this shell: true when it answered the open input_request (matched by parent msg_id). */
  answerInput(parentMsgId: string | undefined, value: string): boolean {
    return this.stdin.answer(parentMsgId, value);
  }

  usage() {
    return this.kernel.usage();
  }

  shutdown(restart: boolean): Promise<void> {
    return this.kernel.shutdown(restart);
  }

  log(text: string): void {
    this.kernel.log(text);
  }
}
