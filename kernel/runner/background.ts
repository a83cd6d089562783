/**
 * Background processes for launch(cmd): plain pipes instead
 * of a terminal, separate stdout and stderr, writable stdin. They run under
 * the same helper (subreaper, fds 0-2 only, default signal state, process
 * guard) and are ended by killAllStarted.
 */
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { HelperProcess, type MainExit } from './helper-process';
import { signalName, signalNumber } from './signal-names';
import type { RunResult } from './types';

export interface BackgroundOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Output still in the pipes when the main process exits gets this long to arrive. */
const DRAIN_GRACE_MS = 50;

export interface BackgroundProcessEvents {
  started: [pid: number];
  stdout: [text: string];
  stderr: [text: string];
  /** The main process ended and its output was read. */
  exit: [result: RunResult];
  /** The helper could not start the command. */
  error: [error: Error];
}

export class BackgroundProcess extends EventEmitter<BackgroundProcessEvents> {
  /** The main process (the program itself when the command is one program). */
  pid: number | null = null;
  /** Resolves with the main pid once it runs. */
  readonly started: Promise<number>;
  private readonly helper: HelperProcess;
  private result: RunResult | undefined;
  private readonly finished: Promise<RunResult>;

  constructor(readonly command: string, options: BackgroundOptions) {
    super();
    if (typeof command !== 'string' || command.trim() === '') throw new Error('startBackground: empty command');
    if (command.includes('\0')) throw new Error('startBackground: the command contains a NUL byte');
    if (!fs.statSync(options.cwd, { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(`startBackground: working directory ${options.cwd} does not exist`);
    }
    let onStarted: (pid: number) => void = () => undefined;
    let onStartFailed: (err: Error) => void = () => undefined;
    this.started = new Promise<number>((resolve, reject) => {
      onStarted = resolve;
      onStartFailed = reject;
    });
    this.started.catch(() => undefined); // reported through 'error' / wait()

    let exit: MainExit | undefined;
    let exitSeen: () => void = () => undefined;
    const exitFrame = new Promise<void>((resolve) => (exitSeen = resolve));
    let failed: (err: Error) => void = () => undefined;
    const failure = new Promise<never>((_, reject) => (failed = reject));
    failure.catch(() => undefined);

    this.helper = new HelperProcess(
      { command, cwd: options.cwd, env: options.env, mode: 'pipes', kind: 'background' },
      {
        onStarted: (pid) => {
          this.pid = pid;
          onStarted(pid);
          this.emit('started', pid);
        },
        onExit: (e) => {
          exit = e;
        },
        onDone: () => exitSeen(),
        onError: (message) => {
          const err = new Error(`cannot run ${JSON.stringify(command)} in the background: ${message}`);
          onStartFailed(err);
          failed(err);
          if (this.listenerCount('error')) this.emit('error', err);
        },
      },
    );
    const drained = (stream: Readable | null, name: 'stdout' | 'stderr'): Promise<void> => {
      if (!stream) return Promise.resolve();
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => this.emit(name, text));
      return new Promise((resolve) => stream.once('close', () => resolve()));
    };
    const outputsClosed = Promise.all([drained(this.helper.child.stdout, 'stdout'), drained(this.helper.child.stderr, 'stderr')]);
    (this.helper.child.stdin as Writable | null)?.on('error', () => undefined); // writing after the program closed stdin

    this.finished = Promise.race([
      failure,
      exitFrame.then(async () => {
        // A daemon may keep the pipes open: do not wait for it.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([outputsClosed, new Promise<void>((r) => (timer = setTimeout(r, DRAIN_GRACE_MS)))]);
        clearTimeout(timer);
        const signo = exit?.signalNumber ?? null;
        this.result = {
          exitCode: exit?.exitCode ?? null,
          signal: signo === null ? null : signalName(signo),
          signalNumber: signo,
          interrupted: false,
          truncatedBytes: 0,
        };
        this.emit('exit', this.result);
        return this.result;
      }),
    ]);
    this.finished.catch(() => undefined);
  }

  get running(): boolean {
    return this.pid !== null && this.result === undefined && this.helper.info.running;
  }

  /** Writes to the program's stdin. */
  write(text: string): void {
    const stdin = this.helper.child.stdin;
    if (!stdin || stdin.writableEnded) throw new Error('stdin of the background process is closed');
    stdin.write(text);
  }

  closeStdin(): void {
    this.helper.child.stdin?.end();
  }

  /** Sends a signal (name or number, default SIGTERM) to the main process. */
  kill(signal: string | number = 'SIGTERM'): void {
    this.helper.signal(signalNumber(signal));
  }

  /** Resolves when the main process has ended (rejects if it never started). */
  wait(): Promise<RunResult> {
    return this.finished;
  }
}

/** Starts `bash -c command` in the background with pipes for stdin, stdout, stderr. */
export function startBackground(command: string, options: BackgroundOptions): BackgroundProcess {
  return new BackgroundProcess(command, options);
}
