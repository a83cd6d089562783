import * as path from 'node:path';
import process from 'node:process';
import { inspect } from 'node:util';
import { startBackground, type BackgroundProcess } from '../../runner/background';
import type { RunResult } from '../../runner/types';
import { LaunchLog } from './launch-log';
import { LiveDisplay } from './live-display';
import type { CellEvent } from '../protocol';
import { DISPLAY_HANDLE } from './rich-value';

export interface LaunchOptions {
  /** Where the command runs, relative to the notebook's directory (default: that directory). */
  cwd?: string;
  /** Variables added to the executor's environment for the command. */
  env?: Record<string, string>;
}

/** How a launched program ended. */
export interface LaunchResult {
  exitCode: number | null;
  /** The signal's name when it was killed by one, e.g. 'SIGTERM'. */
  signal: string | null;
}

/** How long close() waits for the program to end after closing its stdin, by default (ms). */
export const DEFAULT_CLOSE_TIMEOUT_MS = 3000;

/**
 * A program started by launch(cmd) (the course's TInteractiveLauncher): it
 * runs in the background with pipes for stdin, stdout and stderr, across
 * cells, until it ends, is closed or killed, or the kernel restarts or shuts
 * down. One live display of the cell that launched it lists its lines.
 */
export class Launched {
  readonly [DISPLAY_HANDLE] = true;
  private readonly program: BackgroundProcess;
  private readonly log = new LaunchLog();
  private readonly display: LiveDisplay;
  private readonly finished: Promise<LaunchResult>;
  private result: LaunchResult | undefined;
  /** Output (and input) that came before the `started` frame, which travels on another pipe. */
  private earlyOutput: Array<['O' | 'E' | 'I', string]> | undefined = [];

  constructor(readonly command: string, options: LaunchOptions, emit: (event: CellEvent) => void) {
    const cwd = path.resolve(process.cwd(), options.cwd ?? '.');
    const env = { ...process.env, ...environment(options.env) };
    try {
      this.program = startBackground(command, { cwd, env });
    } catch (error) {
      throw new Error(String((error as Error)?.message ?? error).replace(/^startBackground: /, 'launch(): '));
    }
    this.display = new LiveDisplay(emit, () => this.log.render());
    this.program.on('started', (pid) => {
      this.log.note('L', `started pid ${pid}`);
      this.showEarlyOutput();
    });
    this.program.on('stdout', (text) => this.output('O', text));
    this.program.on('stderr', (text) => this.output('E', text));
    this.program.on('error', (error) => {
      this.showEarlyOutput();
      this.log.note('L', error.message);
      this.display.changed();
      this.display.flush();
    });
    this.finished = this.program.wait().then((result) => {
      this.showEarlyOutput();
      this.log.endOutput();
      this.log.note('L', describeEnd(result));
      // The last lines are shown before wait() resolves (a headless run saves them).
      this.display.changed();
      this.display.flush();
      this.result = { exitCode: result.exitCode, signal: result.signal };
      return this.result;
    });
    this.finished.catch(() => undefined); // reported in the display, and by wait()
  }

  /** The program's process id (null until it has started, or when it could not start). */
  get pid(): number | null {
    return this.program.pid;
  }

  /** True until the program has ended. */
  get running(): boolean {
    return this.result === undefined && this.program.running;
  }

  /** Writes text to the program's stdin (shown as I: lines). */
  write(text: string): void {
    if (typeof text !== 'string') throw new TypeError(`write() takes a string, got ${typeof text}`);
    this.program.write(text);
    if (this.earlyOutput) this.earlyOutput.push(['I', text]);
    else this.log.note('I', text);
    this.display.changed();
  }

  /** Closes stdin and waits for the program to end; SIGKILL after timeoutMs. */
  async close(timeoutMs: number = DEFAULT_CLOSE_TIMEOUT_MS): Promise<LaunchResult> {
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) throw new RangeError(`close() takes a timeout in ms >= 0, got ${String(timeoutMs)}`);
    this.program.closeStdin();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const first = await Promise.race([this.finished, timedOut]);
      if (first !== 'timeout') return first;
    } finally {
      clearTimeout(timer);
    }
    this.kill('SIGKILL');
    return this.finished;
  }

  /** Sends a signal (name like 'SIGINT' or number) to the program; default SIGTERM. */
  kill(signal: string | number = 'SIGTERM'): void {
    if (this.result !== undefined) return;
    this.program.kill(signal);
  }

  /** Resolves when the program has ended and the display shows its last lines. */
  wait(): Promise<LaunchResult> {
    return this.finished;
  }

  [inspect.custom](): string {
    const state = this.result === undefined ? 'running' : describeEnd({ ...this.result, signalNumber: null });
    return `Launched { command: ${inspect(this.command)}, pid: ${this.pid}, ${state} }`;
  }

  private output(kind: 'O' | 'E', text: string): void {
    if (this.earlyOutput) this.earlyOutput.push([kind, text]);
    else this.log.output(kind, text);
    this.display.changed();
  }

  /** Lines from before the pid was known go after the `started` line. */
  private showEarlyOutput(): void {
    for (const [kind, text] of this.earlyOutput ?? []) {
      if (kind === 'I') this.log.note(kind, text);
      else this.log.output(kind, text);
    }
    this.earlyOutput = undefined;
    this.display.changed();
  }
}

/** The `launch()` built-in. */
export function createLaunch(emit: (event: CellEvent) => void): (command: string, options?: LaunchOptions) => Launched {
  return (command, options = {}) => {
    if (typeof command !== 'string' || command.trim() === '') throw new TypeError('launch() takes the command as a non-empty string');
    if (typeof options !== 'object' || options === null) throw new TypeError('launch() options must be an object like { cwd, env }');
    return new Launched(command, options, emit);
  };
}

function environment(env: LaunchOptions['env']): Record<string, string> {
  if (env === undefined) return {};
  if (typeof env !== 'object' || env === null) throw new TypeError('launch() option env must be an object of strings');
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, String(value)]));
}

/** `exit code 0`, `killed by signal 15 (SIGTERM)`. */
function describeEnd(result: Pick<RunResult, 'exitCode' | 'signal' | 'signalNumber'>): string {
  if (result.signal !== null) {
    return result.signalNumber !== null ? `killed by signal ${result.signalNumber} (${result.signal})` : `killed by ${result.signal}`;
  }
  return `exit code ${result.exitCode ?? '?'}`;
}
