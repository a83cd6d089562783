/**
 * One sockbook-run helper (native/c/sockbook-run.c): spawns it, decodes its
 * frames into callbacks, and sends it control messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { nativeArtifact } from '../paths';
import { FrameReader, control, decodeFrame, type Frame, type MainExit } from './frames';
import { enterIsolation, type LaunchCommand } from './isolation';
import { guardArguments, releaseHelperGroup } from './process-guard';
import { register, unregister, type RegisteredHelper, type StartedProcess } from './registry';
import { COMMAND_KILL_AFTER_MS } from './interrupt-timing';
import { readSetting } from '../base/settings';

/** A helper that does not exit this long after a kill request is killed itself. */
const KILL_ALL_PATIENCE_MS = 3000;

export interface HelperOptions {
  command: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** 'pty': under a new terminal; 'pipes': with the pipes given as fds 0-2. */
  mode: 'pty' | 'pipes';
  allowStdin?: boolean;
  outputLimit?: number;
  kind: StartedProcess['kind'];
}

export type { MainExit } from './frames';

export interface HelperHandlers {
  onStarted?(mainPid: number): void;
  onOutput?(bytes: Buffer): void;
  onInputWanted?(): void;
  onExit?(exit: MainExit): void;
  /** Output was cut: its total size, the bytes not kept either (past the kept file's cap), and the file. */
  onTruncated?(totalBytes: number, file: string | undefined, droppedBytes: number): void;
  /** A typed line of `lineBytes` bytes was cut to `keptBytes`, the terminal's canonical line limit. */
  onInputCut?(lineBytes: number, keptBytes: number): void;
  /** The command is over (its descendants may live on under the helper). */
  onDone?(): void;
  /** The command could not be started. */
  onError?(message: string): void;
}

export function helperPath(): string {
  return nativeArtifact('sockbook-run');
}

/**
 * Pty-mode helpers started ahead of the next commands (`--spare`): joining
 * their cgroups and starting the process cost tens of milliseconds on a busy
 * machine (a cgroup v1 write waits for an RCU grace period), paid while the
 * previous command runs instead of by the next one. Two are kept, so a cell
 * of two commands, or a cell run again at once, still finds one ready. A
 * spare is kept only while what it was started with (the guard's options,
 * the isolation wrapper) still holds.
 */
interface Spare {
  child: ChildProcess;
  key: string;
}

/** How many spares are kept ready: an idle one costs well under 1 MB. */
const SPARE_COUNT = 2;

/**
 * The spares end after this long without a pty command (seconds;
 * SOCKBOOK_SPARE_IDLE_S, 0: kept): a kernel left idle on a course server is
 * then its own process and the reaper. A student working through a lesson runs
 * commands closer together than this; the first command after a pause starts
 * its helper itself (a cgroup join, a few to 30 ms) as the first of a kernel does.
 */
const SPARE_IDLE_MS = spareIdleMs();

function spareIdleMs(): number {
  const raw = readSetting('SOCKBOOK_SPARE_IDLE_S');
  const seconds = raw === undefined || raw === '' ? 10 : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 10000;
}

let idleTimer: NodeJS.Timeout | undefined;

/** (Re)starts the countdown that ends the spares once no command wanted one for SPARE_IDLE_MS. */
function endSparesWhenIdle(): void {
  if (SPARE_IDLE_MS === 0) return;
  if (idleTimer) idleTimer.refresh();
  else {
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      void endSpares();
    }, SPARE_IDLE_MS);
    idleTimer.unref();
  }
}

/** Oldest first: the oldest is the likeliest to have finished its setup. */
let spares: Spare[] = [];

function spareLaunch(): { launch: LaunchCommand; key: string } {
  const launch = enterIsolation(helperPath(), ['--spare', ...guardArguments()]);
  return { launch, key: JSON.stringify(launch) };
}

function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

/** Ends the spares started with other options than `key` (or gone), and keeps the rest. */
function dropStaleSpares(key: string): void {
  const current = (s: Spare): boolean => s.key === key && isRunning(s.child);
  for (const stale of spares.filter((s) => !current(s))) void endOneSpare(stale);
  spares = spares.filter(current);
}

/** Tops the spares up to SPARE_COUNT, after dropping the ones started with other options. */
function startSpares(): void {
  const { launch, key } = spareLaunch();
  dropStaleSpares(key);
  while (spares.length < SPARE_COUNT) spares.push(startSpare(launch, key));
  endSparesWhenIdle();
}

function startSpare(launch: LaunchCommand, key: string): Spare {
  const child = spawn(launch.file, launch.args, { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  const mine: Spare = { child, key };
  const forget = (): void => {
    spares = spares.filter((s) => s !== mine);
  };
  child.on('error', forget);
  child.on('exit', () => {
    forget();
    if (child.pid !== undefined && !taken.has(child)) void releaseHelperGroup(child.pid);
  });
  (child.stdio[3] as Writable).on('error', () => undefined);
  // Idle, it keeps nothing alive; its control pipe's end (the kernel exits) ends it.
  child.unref();
  for (const stream of child.stdio) (stream as { unref?: () => void } | null)?.unref?.();
  return mine;
}

/** Spares handed to a command: their group is released by the command's own HelperProcess. */
const taken = new WeakSet<ChildProcess>();

function takeSpare(key: string): ChildProcess | undefined {
  dropStaleSpares(key);
  const candidate = spares.shift();
  if (!candidate) return undefined;
  taken.add(candidate.child);
  candidate.child.ref();
  for (const stream of candidate.child.stdio) (stream as { ref?: () => void } | null)?.ref?.();
  return candidate.child;
}

/** Closing a spare's control pipe makes it exit; resolves when it has. */
function endOneSpare(spare: Spare): Promise<void> {
  if (!isRunning(spare.child)) return Promise.resolve();
  const exited = new Promise<void>((resolve) => spare.child.once('exit', () => resolve()));
  // The spare was unref'd so it never kept Node alive; waiting for it must (sockbook run has no other handle then).
  spare.child.ref();
  (spare.child.stdio[3] as Writable).end();
  return exited;
}

/** Ends the spare helpers (shutdown). */
export async function endSpares(): Promise<void> {
  clearTimeout(idleTimer);
  idleTimer = undefined;
  const current = spares;
  spares = [];
  await Promise.all(current.map(endOneSpare));
}

/** The command for a spare: the argument count, the arguments and the environment, each ending in NUL. */
function commandMessage(args: string[], env: NodeJS.ProcessEnv): Buffer {
  const entries = Object.entries(env).flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${value}`]));
  const payload = Buffer.from([String(args.length), ...args, ...entries].map((field) => `${field}\0`).join(''), 'utf8');
  const header = Buffer.alloc(5);
  header.write('c', 0, 'latin1');
  header.writeUInt32LE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

export class HelperProcess implements RegisteredHelper {
  readonly info: StartedProcess;
  readonly child: ChildProcess;
  /** Resolves when the helper process has exited (everything it watched is gone). */
  readonly exited: Promise<void>;
  private readonly controlStream: Writable;
  private done = false;
  private killing: Promise<void> | undefined;

  constructor(options: HelperOptions, private readonly handlers: HelperHandlers) {
    const exe = helperPath();
    if (!fs.existsSync(exe)) throw new Error(`the native helper ${exe} is missing: run "npm run build"`);
    const args: string[] = ['--kill-after', String(COMMAND_KILL_AFTER_MS), '--cwd', options.cwd, '--tmpdir', os.tmpdir(), ...guardArguments()];
    if (options.mode === 'pipes') args.push('--pipes');
    if (options.allowStdin) args.push('--stdin');
    if (options.outputLimit !== undefined) args.push('--limit', String(options.outputLimit));
    args.push('--', options.command);
    const env = { ...(options.env ?? process.env) };
    if (!env.TERM || env.TERM === 'dumb') env.TERM = 'xterm-256color'; // gcc and ls colour on a terminal
    const ready = options.mode === 'pty' ? takeSpare(spareLaunch().key) : undefined;
    if (ready) {
      this.child = ready;
      (ready.stdio[3] as Writable).write(commandMessage(args, env));
    } else {
      const launch = enterIsolation(exe, args); // inside the kernel's namespaces, when isolated
      this.child = spawn(launch.file, launch.args, {
        env,
        detached: true, // a session of its own: the helper owns the command's terminal
        stdio: options.mode === 'pipes' ? ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'] : ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
      });
    }
    // The spare taken is replaced at once, while this command runs: Node's spawn forks the kernel on its main
    // thread (2-3 ms), better now than when the command is over and its reply is due.
    if (options.mode === 'pty') setImmediate(startSpares);
    this.info = {
      helperPid: this.child.pid ?? -1,
      mainPid: null,
      command: options.command,
      kind: options.kind,
      startedAt: new Date(),
      running: true,
    };
    this.controlStream = this.child.stdio[3] as Writable;
    this.controlStream.on('error', () => undefined); // the helper is gone: 'exit' tells the rest
    const frames = this.child.stdio[4] as Readable;
    const reader = new FrameReader();
    frames.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) this.dispatch(frame);
    });
    let diagnostics = '';
    if (options.mode === 'pty') {
      this.child.stderr?.setEncoding('utf8').on('data', (s: string) => {
        if (diagnostics.length < 4096) diagnostics += s;
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.fail(`cannot start ${exe}: ${err.message}`);
        resolve();
      });
      // Not 'close': a background program's daemon may hold its pipes. The
      // frame pipe is the helper's alone, so its end means every frame is read.
      const framesEnded = new Promise<void>((r) => frames.once('close', () => r()));
      this.child.on('exit', async (code, signal) => {
        await framesEnded;
        unregister(this);
        this.info.running = false;
        if (this.child.pid !== undefined) void releaseHelperGroup(this.child.pid);
        if (!this.done) {
          const why = diagnostics.trim() || `the helper ended (${signal ?? `exit ${code}`}) before the command did`;
          this.fail(why);
        }
        resolve();
      });
    });
    if (this.child.pid !== undefined) register(this);
  }

  interrupt(): void {
    this.send(control.interrupt());
  }

  signal(signo: number): void {
    this.send(control.signal(signo));
  }

  /** Types text into the command's terminal (pty mode). */
  type(text: string): void {
    this.send(control.input(text));
  }

  killAll(): Promise<void> {
    if (!this.killing) {
      this.killing = (async () => {
        this.send(control.killAll());
        const timer = setTimeout(() => {
          if (this.child.pid !== undefined && this.child.exitCode === null) this.child.kill('SIGKILL');
        }, KILL_ALL_PATIENCE_MS);
        await this.exited;
        clearTimeout(timer);
      })();
    }
    return this.killing;
  }

  /** After the command is over, a lingering helper must not keep Node alive. */
  private release(): void {
    this.child.unref();
    for (const s of this.child.stdio) (s as { unref?: () => void } | null)?.unref?.();
  }

  private send(bytes: Buffer): void {
    if (this.child.exitCode === null && this.child.signalCode === null && this.controlStream.writable) {
      this.controlStream.write(bytes);
    }
  }

  private fail(message: string): void {
    if (this.done) return;
    this.done = true;
    this.info.running = false;
    this.handlers.onError?.(message);
  }

  private dispatch(frame: Frame): void {
    const decoded = decodeFrame(frame);
    switch (decoded?.type) {
      case 'P':
        this.info.mainPid = decoded.pid;
        this.handlers.onStarted?.(decoded.pid);
        break;
      case 'O':
        this.handlers.onOutput?.(decoded.bytes);
        break;
      case 'I':
        this.handlers.onInputWanted?.();
        break;
      case 'X':
        this.info.running = false;
        this.handlers.onExit?.(decoded.exit);
        break;
      case 'T':
        this.handlers.onTruncated?.(decoded.totalBytes, decoded.file, decoded.droppedBytes);
        break;
      case 'C':
        this.handlers.onInputCut?.(decoded.lineBytes, decoded.keptBytes);
        break;
      case 'E':
        this.fail(decoded.message);
        break;
      case 'D':
        if (!this.done) {
          this.done = true;
          this.handlers.onDone?.();
        }
        this.release();
        break;
    }
  }
}
