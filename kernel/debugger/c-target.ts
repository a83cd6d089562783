import { access, constants, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { shellQuote, splitShellWords } from '../cells/shell-words';
import type { DebugBody, DebugJson } from '../interpreter/debug';
import { DapError, type DapEvaluation, type DapScope, type DapStackFrame, type DapVariable } from './dap';
import { DapProcess, type DapMessage } from './dap-process';
import { hasDebugInfo } from './elf-debug-info';
import { readSetting } from '../base/settings';

/** lldb-dap's frame ids and variable references are shown to the frontend shifted by this, apart from the TypeScript ones. */
export const C_OFFSET = 1_000_000_000;
/** Where Debian's lldb-19 puts its DAP server; SOCKBOOK_LLDB_DAP names another. */
const LLDB_DAP_NAMES = ['lldb-dap-19', 'lldb-dap'];
/** How long lldb-dap may take to ask for the program's terminal (ms). */
const LAUNCH_WAIT_MS = 15_000;
/** A command whose shell syntax is more than words runs undebugged. */
const SHELL_SYNTAX = /[|&;<>()$`\\*?[\]{}~\n]/;

/** A cell whose code was written to a C file: line L of the cell is line L - shift of the file. */
interface CellFile {
  cellPath: string;
  file: string;
  shift: number;
}

export interface CTargetHooks {
  emit(event: string, body: DebugBody): void;
  breakpoints(): ReadonlyMap<string, number[]>;
  log(text: string): void;
}

/** A `%run` command that runs its program under lldb-dap: the command to run instead, and its end. */
export interface DebuggedCommand {
  command: string;
  interrupted(): void;
  finished(): Promise<void>;
}

interface Session {
  dap: DapProcess;
  stopped: Set<number>;
  /** True once lldb-dap said `initialized` (it has a target); before that, updates wait for configure. */
  initialized: boolean;
  /** Breakpoint updates go to lldb-dap one after another, in the order they came. */
  queue: Promise<void>;
  /** The file lines last sent for each C file, so that a frontend's identical re-send changes nothing. */
  sent: Map<string, string>;
}

/**
 * C programs under the debugger: a program a cell starts (`%run ./prog`)
 * while breakpoints are set in a C cell is launched by lldb-dap, which asks
 * for a terminal for it (runInTerminal); the cell's command becomes that
 * launcher, run by the runner like any command (the pseudo-terminal, stdin,
 * interrupt, limits), and lldb-dap attaches to it. Cell lines and the
 * written file's lines are mapped both ways.
 */
export class CTarget {
  private readonly cellFiles = new Map<string, CellFile>();
  private session: Session | undefined;
  private readonly toldNoDebugInfo = new Set<string>();
  private toldMissing = false;

  constructor(private readonly hooks: CTargetHooks) {}

  get isActive(): boolean {
    return this.session !== undefined;
  }

  stoppedThreads(): number[] {
    return [...(this.session?.stopped ?? [])];
  }

  owns(id: number | undefined): boolean {
    return id !== undefined && id >= C_OFFSET;
  }

  ownsThread(threadId: number | undefined): boolean {
    return threadId !== undefined && this.session !== undefined && threadId !== 1;
  }

  /** A cell was written to a C file; `shift` turns its lines into the file's. */
  cellFileWritten(cellPath: string, file: string, shift: number): void {
    this.cellFiles.set(cellPath, { cellPath, file, shift });
  }

  /** The frontend set one cell's breakpoints: a running program gets them at once. */
  async setBreakpoints(cellPath: string, lines: number[]): Promise<void> {
    const cellFile = this.cellFiles.get(cellPath);
    const session = this.session;
    // Before `initialized` lldb-dap has no target and keeps breakpoints it cannot resolve; configure sends the latest set.
    if (!cellFile || !session || !session.initialized) return;
    await this.serialized(session, () => this.sendBreakpoints(session, cellFile, lines));
  }

  /** The debugger stops: a program it holds is let go and runs on. */
  async detach(): Promise<void> {
    const session = this.session;
    if (!session) return;
    await session.dap.request('disconnect', { terminateDebuggee: false });
    this.resumedAll(session);
  }

  /** The kernel shuts down or restarts: lldb-dap goes (the runner ends the program). */
  async shutdown(): Promise<void> {
    if (this.session) await this.end(this.session);
    this.cellFiles.clear();
  }

  /** Resets the notices; the debugger was started again. */
  reset(): void {
    this.toldMissing = false;
    this.toldNoDebugInfo.clear();
  }

  /**
   * The command to run instead of `command` so that its program runs under
   * lldb-dap; undefined when it runs as it is (no breakpoint in a C cell, not
   * a plain `./program args`, no -g, no lldb-dap: the last two said once on
   * the cell's stderr through `notice`).
   */
  async launch(command: string, cwd: string, notice: (text: string) => void): Promise<DebuggedCommand | undefined> {
    if (this.session || !this.hasBreakpoints()) return undefined;
    const argv = plainCommand(command);
    if (!argv?.[0]?.includes('/')) return undefined;
    const program = path.resolve(cwd, argv[0]);
    const isProgram = await stat(program).then((s) => s.isFile(), () => false);
    if (!isProgram || !(await access(program, constants.X_OK).then(() => true, () => false))) return undefined;
    const debugInfo = await hasDebugInfo(program);
    if (debugInfo === undefined) return undefined;
    if (!debugInfo) {
      if (!this.toldNoDebugInfo.has(program)) {
        this.toldNoDebugInfo.add(program);
        notice(`debugger: ${argv[0]} was compiled without -g, so its breakpoints cannot stop it; it runs without the debugger (add -g to its gcc line)\n`);
      }
      return undefined;
    }
    const lldbDap = await findLldbDap();
    if (!lldbDap) {
      if (!this.toldMissing) {
        this.toldMissing = true;
        notice(`debugger: lldb-dap-19 is not installed (Debian: apt-get install lldb-19), so C programs run without the debugger\n`);
      }
      return undefined;
    }
    return this.start(lldbDap, program, argv.slice(1), cwd);
  }

  async threads(): Promise<{ id: number; name: string }[]> {
    if (!this.session) return [];
    const reply = await this.session.dap.request('threads');
    const threads = (reply.body?.threads ?? []) as { id: number; name: string }[];
    return threads.map((t) => ({ id: t.id, name: `C ${t.name}` }));
  }

  async stackTrace(threadId: number, args: DebugBody): Promise<DapStackFrame[]> {
    const reply = await this.ask('stackTrace', { ...args, threadId });
    const frames = (reply.stackFrames ?? []) as unknown as DapStackFrame[];
    return frames.map((frame) => this.cellFrame({ ...frame, id: frame.id + C_OFFSET }));
  }

  async scopes(frameId: number): Promise<DapScope[]> {
    const reply = await this.ask('scopes', { frameId: frameId - C_OFFSET });
    const scopes = (reply.scopes ?? []) as unknown as DapScope[];
    // Registers are no help in a first systems course; Locals and Globals are.
    return scopes.filter((s) => s.presentationHint !== 'registers').map((s) => ({ ...s, variablesReference: shifted(s.variablesReference) }));
  }

  async variables(reference: number): Promise<DapVariable[]> {
    const reply = await this.ask('variables', { variablesReference: reference - C_OFFSET });
    const variables = (reply.variables ?? []) as unknown as DapVariable[];
    return variables.map((v) => {
      const { name, value, type, variablesReference, evaluateName } = v;
      return { name, value, ...(type ? { type } : {}), variablesReference: shifted(variablesReference), ...(evaluateName ? { evaluateName } : {}) };
    });
  }

  async evaluate(expression: string, frameId: number | undefined, context: string): Promise<DapEvaluation> {
    // lldb-dap reads a 'repl' expression as an lldb command and answers `(int) $0 = 50`; as a watch it is the C expression's value.
    const asked = context === 'repl' ? 'watch' : context;
    const reply = await this.ask('evaluate', { expression, context: asked, ...(frameId !== undefined ? { frameId: frameId - C_OFFSET } : {}) });
    return {
      result: String(reply.result ?? ''),
      ...(typeof reply.type === 'string' ? { type: reply.type } : {}),
      variablesReference: shifted(Number(reply.variablesReference ?? 0)),
    };
  }

  async control(command: 'continue' | 'next' | 'stepIn' | 'stepOut' | 'pause', threadId: number): Promise<void> {
    await this.ask(command, { threadId });
  }

  private hasBreakpoints(): boolean {
    for (const [cellPath, lines] of this.hooks.breakpoints()) if (lines.length > 0 && this.cellFiles.has(cellPath)) return true;
    return false;
  }

  private async ask(command: string, args: DebugBody): Promise<DebugBody> {
    if (!this.session) throw new DapError('no C program is being debugged');
    const reply = await this.session.dap.request(command, args);
    if (!reply.success) throw new DapError(reply.message ?? `${command} failed`);
    return reply.body ?? {};
  }

  /**
   * A frame in a written cell file is shown in the cell, at the cell's line. lldb-dap gives frames without
   * line information (libc's) no source; JupyterLab's callstack reads every frame's source and shows
   * nothing at all when one lacks it, so such a frame gets a source that is only a name.
   */
  private cellFrame(frame: DapStackFrame): DapStackFrame {
    const file = frame.source?.path;
    const cellFile = file ? [...this.cellFiles.values()].find((c) => c.file === file) : undefined;
    if (!cellFile) return { ...frame, source: frame.source ?? { name: frame.name }, presentationHint: 'subtle' };
    return { ...frame, line: frame.line + cellFile.shift, source: { name: path.basename(cellFile.cellPath), path: cellFile.cellPath } };
  }

  private async sendBreakpoints(session: Session, cellFile: CellFile, lines: number[]): Promise<void> {
    const fileLines = lines.map((line) => line - cellFile.shift).filter((line) => line >= 1);
    const key = fileLines.join(',');
    if (session.sent.get(cellFile.file) === key) return;
    session.sent.set(cellFile.file, key);
    await session.dap.request('setBreakpoints', { source: { path: cellFile.file }, breakpoints: fileLines.map((line) => ({ line })) });
  }

  /** Runs `work` after every breakpoint update queued before it has been answered. */
  private serialized(session: Session, work: () => Promise<void>): Promise<void> {
    const done = session.queue.then(work);
    session.queue = done.catch(() => undefined);
    return done;
  }

  private async start(lldbDap: string, program: string, args: string[], cwd: string): Promise<DebuggedCommand | undefined> {
    let terminal: (message: DapMessage) => void = () => undefined;
    const asked = new Promise<DapMessage>((resolve) => (terminal = resolve));
    const session: Session = {
      stopped: new Set(),
      initialized: false,
      queue: Promise.resolve(),
      sent: new Map(),
      dap: new DapProcess(lldbDap, (message) => this.received(session, message, terminal), (text) => this.hooks.log(`lldb-dap: ${text.trimEnd()}`)),
    };
    this.session = session;
    const { dap } = session;
    const initialized = await dap.request('initialize', {
      clientID: 'sockbook',
      adapterID: 'lldb-dap',
      pathFormat: 'path',
      linesStartAt1: true,
      columnsStartAt1: true,
      supportsRunInTerminalRequest: true,
    });
    if (!initialized.success) return this.abandon(session, `lldb-dap did not start: ${initialized.message ?? ''}`);
    void dap.request('launch', {
      program,
      args,
      cwd,
      runInTerminal: true,
      stopOnEntry: false,
      // A forked child runs on, undisturbed; signals a server lives with do not stop it.
      initCommands: ['settings set target.process.follow-fork-mode parent'],
      postRunCommands: ['process handle SIGPIPE SIGALRM SIGCHLD SIGUSR1 SIGUSR2 --stop false --notify false --pass true'],
    });
    const request = await Promise.race([asked, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), LAUNCH_WAIT_MS).unref())]);
    const launcher = request?.arguments?.args;
    if (!request || !Array.isArray(launcher) || !launcher.every((a): a is string => typeof a === 'string')) {
      return this.abandon(session, 'lldb-dap did not ask for a terminal for the program');
    }
    dap.respond(request, {});
    return {
      command: launcher.map(shellQuote).join(' '),
      interrupted: () => {
        // The program is killed by its debugger: stopped at a breakpoint, it would not see the interrupt's SIGINT.
        void dap.request('disconnect', { terminateDebuggee: true });
      },
      finished: () => this.end(session),
    };
  }

  private abandon(session: Session, why: string): undefined {
    this.hooks.log(`debugger: ${why}`);
    void this.end(session);
    return undefined;
  }

  private async end(session: Session): Promise<void> {
    if (this.session !== session) return;
    this.session = undefined;
    this.resumedAll(session);
    session.dap.kill();
    await session.dap.exited;
  }

  private received(session: Session, message: DapMessage, terminal: (message: DapMessage) => void): void {
    if (message.type === 'request') {
      if (message.command === 'runInTerminal') terminal(message);
      return;
    }
    if (message.type !== 'event') return;
    const body = message.body ?? {};
    switch (message.event) {
      case 'initialized':
        void this.configure(session);
        return;
      case 'stopped': {
        const threadId = Number(body.threadId);
        if (Number.isFinite(threadId)) session.stopped.add(threadId);
        this.hooks.emit('stopped', body);
        return;
      }
      case 'continued': {
        if (session.stopped.size === 0) return;
        session.stopped.clear();
        this.hooks.emit('continued', { threadId: body.threadId ?? 0, allThreadsContinued: true });
        return;
      }
      case 'exited':
      case 'terminated':
        this.resumedAll(session);
        return;
      case 'output':
        if (body.category === 'stderr' || body.category === 'important') this.hooks.log(`lldb-dap: ${String(body.output ?? '').trimEnd()}`);
        return;
    }
  }

  /** lldb-dap has its target: the latest breakpoints go, then configurationDone once all are answered. */
  private async configure(session: Session): Promise<void> {
    if (session.initialized) return;
    session.initialized = true;
    await this.serialized(session, async () => {
      for (const [cellPath, lines] of this.hooks.breakpoints()) {
        const cellFile = this.cellFiles.get(cellPath);
        if (cellFile && lines.length > 0) await this.sendBreakpoints(session, cellFile, lines);
      }
    });
    await this.serialized(session, async () => {
      await session.dap.request('configurationDone');
    });
  }

  private resumedAll(session: Session): void {
    for (const threadId of session.stopped) this.hooks.emit('continued', { threadId, allThreadsContinued: true } as { [key: string]: DebugJson });
    session.stopped.clear();
  }
}

function shifted(reference: number): number {
  return reference > 0 ? reference + C_OFFSET : 0;
}

/** The words of a command that is nothing but words (`./server 8080`), else undefined. */
function plainCommand(command: string): string[] | undefined {
  if (SHELL_SYNTAX.test(command)) return undefined;
  try {
    const words = splitShellWords(command.trim());
    return words.length > 0 ? words : undefined;
  } catch {
    return undefined;
  }
}

async function findLldbDap(): Promise<string | undefined> {
  const named = readSetting('SOCKBOOK_LLDB_DAP');
  if (named !== undefined) return (await access(named, constants.X_OK).then(() => true, () => false)) ? named : undefined;
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const name of LLDB_DAP_NAMES) {
    for (const dir of [...dirs, '/usr/bin']) {
      const file = path.join(dir, name);
      if (await access(file, constants.X_OK).then(() => true, () => false)) return file;
    }
  }
  return undefined;
}
