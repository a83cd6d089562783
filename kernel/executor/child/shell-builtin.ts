import process from 'node:process';
import { annotation, type Annotation } from '../../display/annotation';
import { commandInterrupted, KeyboardInterrupt } from '../../interpreter/keyboard-interrupt';
import { describeExitStatus, describeTruncation } from '../../runner/describe-exit';
import { runCommand } from '../../runner/run-command';
import type { RunResult } from '../../runner/types';
import { writeFully } from './child-channel';

/**
 * The `sh(cmd)` built-in (and `!cmd` lines): runs the command with the
 * runner like `!` in a C cell — bash, the notebook's directory, a terminal,
 * stdin at end-of-file — writing its output to the executor's fd 1 as it
 * comes (so it is the running cell's stdout, in order with the rest), how it
 * ended and any cut as annotations of their own (through `show`, never in
 * the stream), and resolving to the exit status (128 + N when killed by
 * signal N).
 */
export class ShellCommands {
  private readonly running = new Map<AbortController, Promise<unknown>>();

  constructor(private readonly show: (note: Annotation) => void) {}

  run(command: unknown): Promise<number> {
    if (typeof command !== 'string') return Promise.reject(new TypeError(`sh() takes the command as a string, got ${typeof command}`));
    if (command.trim() === '') return Promise.reject(new Error('sh() needs a command, got an empty string'));
    const controller = new AbortController();
    const done = runCommand({
      command,
      cwd: process.cwd(),
      allowStdin: false,
      signal: controller.signal,
      onOutput: (text) => writeFully(1, text),
    });
    this.running.set(controller, done.catch(() => undefined));
    return done.then(
      (result) => {
        this.running.delete(controller);
        // sh() rejects with KeyboardInterrupt when the kernel interrupts the command.
        if (result.interrupted) throw new KeyboardInterrupt(commandInterrupted(command));
        const exitLine = describeExitStatus(result);
        const cutLine = describeTruncation(result);
        if (exitLine) this.show(annotation('exit', exitLine));
        if (cutLine) this.show(annotation('output-cut', cutLine));
        return exitStatus(result);
      },
      (error: unknown) => {
        this.running.delete(controller);
        throw error;
      },
    );
  }

  /**
   * The kernel's interrupt: SIGINT to every running command's foreground
   * group (SIGKILL to what is left 2 s later). Resolves when they have ended,
   * or after `settleLimitMs`, whichever is first.
   */
  interrupt(settleLimitMs: number): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    const ended = [...this.running.values()];
    for (const controller of this.running.keys()) controller.abort();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, settleLimitMs)));
    return Promise.race([Promise.all(ended).then(() => undefined), limit]).finally(() => clearTimeout(timer));
  }
}

/** The shell's `$?`: the exit code, or 128 + N for a death by signal N. */
export function exitStatus(result: Pick<RunResult, 'exitCode' | 'signalNumber'>): number {
  if (result.signalNumber !== null) return 128 + result.signalNumber;
  return result.exitCode ?? 0;
}
