import { SHELL_LINE_HELPER, SHOW_VALUE_HELPER } from './magic-lines';

/**
 * Declarations of the executor's built-ins, given to the language service so
 * completions, help and type checks know them. `libcModule` is the path of the
 * libc bindings' source (without extension) when it exists.
 */
export function builtinDeclarations(libcModule: string | undefined): string {
  const libcType = libcModule ? `typeof import(${JSON.stringify(libcModule)}).libc` : 'any';
  return `
interface SockbookDisplayOptions {
  /** The display_id: pass it to show an output that can be updated later. */
  id?: string;
  metadata?: Record<string, unknown>;
}

interface SockbookDisplayHandle<T> {
  /** The display_id of this output. */
  readonly id: string;
  /** Replaces this output in place (update_display_data). */
  update(content: T, metadata?: Record<string, unknown>): void;
}

interface SockbookDisplay {
  /** Shows a value the way a cell's final expression is shown. */
  (value: unknown, options?: SockbookDisplayOptions): SockbookDisplayHandle<unknown>;
  /** Shows HTML. */
  html(html: string, options?: SockbookDisplayOptions): SockbookDisplayHandle<string>;
  /** Shows Markdown. */
  markdown(markdown: string, options?: SockbookDisplayOptions): SockbookDisplayHandle<string>;
  /** Shows an SVG image given as text. */
  svg(svg: string, options?: SockbookDisplayOptions): SockbookDisplayHandle<string>;
  /** Shows a PNG image: its bytes, or a base64 string. */
  png(png: Uint8Array | string, options?: SockbookDisplayOptions): SockbookDisplayHandle<Uint8Array | string>;
  /** Shows a JSON value as a tree. */
  json(value: unknown, options?: SockbookDisplayOptions): SockbookDisplayHandle<unknown>;
  /** Shows plain text. */
  text(text: string, options?: SockbookDisplayOptions): SockbookDisplayHandle<string>;
  /** Shows a MIME bundle such as { 'text/html': '<b>hi</b>', 'text/plain': 'hi' }. */
  data(bundle: Record<string, unknown>, options?: SockbookDisplayOptions): SockbookDisplayHandle<Record<string, unknown>>;
  /** Clears the cell's output; with wait = true, only when the next output arrives. */
  clear(wait?: boolean): void;
}

/**
 * Rich output in the cell: display.html(s), display.markdown(s), display.svg(s),
 * display.png(bytes), display.json(v), display.text(s), display.data(bundle),
 * each with an optional { id } and returning a handle whose update(…) replaces
 * the output in place; display.clear(wait?) clears the cell's output.
 */
declare const display: SockbookDisplay;

/**
 * Asks the user for a line of text (input_request) and resolves to it.
 * Rejects when the frontend does not allow input.
 */
declare function input(prompt?: string, options?: { password?: boolean }): Promise<string>;

/** Test results of a graded cell (\`sockbook run\` adds up their points). */
interface SockbookGrade {
  /**
   * Records one test result: passed when \`condition\` is truthy. Shown in the
   * cell as \`✔ name (points/points): message\` or \`✘ name (0/points): message\`.
   * A graded cell (nbgrader \`grade: true\`) scores the sum of its passed
   * checks' points, capped by the cell's points; an error in the cell scores 0.
   * Returns whether it passed.
   *
   * @param name the check's name, as reports show it
   * @param condition truthy when the check passed
   * @param points what it is worth (default 1)
   * @param message what the student reads, e.g. what was expected and what came
   */
  check(name: string, condition: unknown, points?: number, message?: string): boolean;
}

/** Partial credit with messages: grade.check(name, condition, points, message). */
declare const grade: SockbookGrade;

/** Resolves after ms milliseconds (interrupting the cell ends the wait). */
declare function sleep(ms: number): Promise<void>;

/**
 * Runs a shell command like \`!cmd\` (bash, in the notebook's directory, under a
 * terminal, stdin at end-of-file), showing its output live in the cell, and
 * resolves to its exit status (128 + N when killed by signal N). A non-zero
 * exit is also noted on stderr (\`exit code 3\`). Interrupting the cell
 * interrupts the command.
 *
 * A line \`!cmd\` in a cell (where a statement may start) runs \`await sh("cmd")\`.
 */
declare function sh(cmd: string): Promise<number>;

/** How a program started with launch() ended. */
interface SockbookLaunchResult {
  exitCode: number | null;
  /** The signal's name when it was killed by one, e.g. 'SIGTERM'. */
  signal: string | null;
}

interface SockbookLaunchOptions {
  /** Where the command runs, relative to the notebook's directory. */
  cwd?: string;
  /** Variables added to the environment of the command. */
  env?: Record<string, string>;
}

/** A program running in the background, started by launch(cmd). */
interface Launched {
  /** The command as given to launch(). */
  readonly command: string;
  /** The program's process id; null until it has started. */
  readonly pid: number | null;
  /** True until the program has ended. */
  readonly running: boolean;
  /** Writes text to the program's stdin; shown as I: lines. */
  write(text: string): void;
  /** Closes stdin and waits for the program to end; sends SIGKILL after timeoutMs (default 3000). */
  close(timeoutMs?: number): Promise<SockbookLaunchResult>;
  /** Sends a signal to the program (default 'SIGTERM'). */
  kill(signal?: string | number): void;
  /** Resolves when the program has ended (and its display shows the last lines). */
  wait(): Promise<SockbookLaunchResult>;
}

/**
 * Starts cmd (with bash) in the background, with pipes for stdin, stdout and
 * stderr, and shows one live display, updated in place, of its lines:
 * \`O:\` stdout, \`E:\` stderr, \`I:\` input written with write(), \`L:\` life-cycle
 * (started, exit code or signal). The program lives across cells until it
 * ends, close() or kill(), or the kernel restarts or shuts down.
 *
 * @example const server = launch('./server.exe 31008');
 *          server.write('hello\\n');
 *          await server.close();
 */
declare function launch(cmd: string, options?: SockbookLaunchOptions): Launched;

/** What a comm's handlers get. */
interface SockbookCommEvent {
  commId: string;
  targetName: string;
  /** The JSON object the other side sent. */
  data: Record<string, unknown>;
}

/** One comm: a channel of JSON messages between this kernel's cells and a frontend (the ground widgets stand on). */
interface SockbookComm {
  readonly id: string;
  readonly targetName: string;
  readonly closed: boolean;
  /** Sends a JSON object to the frontend's side (comm_msg). */
  send(data?: Record<string, unknown>): void;
  /** Closes the comm on both sides (comm_close). */
  close(data?: Record<string, unknown>): void;
  /** 'msg': the frontend sent data; 'close': the frontend closed the comm. */
  on(event: 'msg' | 'close', listener: (message: SockbookCommEvent) => void): this;
}

interface SockbookComms {
  /** Opens a comm to a target the frontend registered (e.g. with registerCommTarget in @jupyterlab/services). */
  open(targetName: string, data?: Record<string, unknown>): SockbookComm;
  /** Lets the frontend open comms to targetName; handler gets each new comm and the data it was opened with. */
  registerTarget(targetName: string, handler: (comm: SockbookComm, message: SockbookCommEvent) => void): void;
  unregisterTarget(targetName: string): void;
}

/**
 * Two-way comms with the frontend.
 *
 * @example comm.registerTarget('echo', (c) => c.on('msg', (m) => c.send(m.data)));
 *          const c = comm.open('frontend-target', { hello: 1 });
 *          c.on('msg', (m) => console.log(m.data));
 */
declare const comm: SockbookComms;

/** Runs a \`!cmd\` line (sh() under another name, so a variable called sh does not break them). */
declare function ${SHELL_LINE_HELPER}(cmd: string): Promise<number>;
/** Shows a \`%p EXPR # comment\` line. */
declare function ${SHOW_VALUE_HELPER}(expression: string, value: unknown, comment?: string): void;

/** The C library through koffi: socket, bind, epoll_wait and friends, with their constants. */
declare const libc: ${libcType};
`;
}
