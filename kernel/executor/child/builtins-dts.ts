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


/** A TCP state of RFC 793, as the diagram names it. */
type SockbookTcpState = 'CLOSED' | 'LISTEN' | 'SYN-RECEIVED' | 'SYN-SENT' | 'ESTABLISHED' | 'FIN-WAIT-1' | 'CLOSE-WAIT' | 'FIN-WAIT-2' | 'CLOSING' | 'LAST-ACK' | 'TIME-WAIT';

interface SockbookTcpStateCounts {
  /** Every state of the diagram with how many of this kernel's TCP sockets are in it. */
  counts: Record<SockbookTcpState, number>;
  sockets: { state: SockbookTcpState; local: string; peer: string; owners: string[] }[];
}

interface SockbookTcpStatesHandle {
  /** The display_id of the diagram. */
  readonly id: string;
  /** The counts last shown. */
  readonly data: SockbookTcpStateCounts;
  /** Stops updating a live diagram. */
  stop(): void;
  /** Resolves when the diagram stops updating. */
  readonly done: Promise<void>;
}

/**
 * Shows the TCP state diagram of RFC 793 with the number of this kernel's
 * sockets in each state (like \`%tcpstates\`). With { live: true } the diagram
 * is updated in place as the counts change, while later cells run, for
 * \`seconds\` (default 120) or until stop().
 *
 * @example const states = await tcpStates({ live: true });
 *          // … run a server and its clients in the next cells …
 *          states.stop();
 */
declare function tcpStates(options?: { live?: boolean; seconds?: number; intervalMs?: number }): Promise<SockbookTcpStatesHandle>;

/** One event of an strace log. */
type SockbookStraceEvent =
  | { kind: 'call'; pid: number; time: number; name: string; args: string; result: string; duration: number }
  | { kind: 'signal'; pid: number; time: number; signal: string; from?: number }
  | { kind: 'exit'; pid: number; time: number; how: string }
  | { kind: 'fork'; pid: number; time: number; child: number }
  | { kind: 'exec'; pid: number; time: number; program: string };

interface SockbookTrace {
  command: string;
  /** The raw log strace wrote (relative to the notebook's directory). */
  logFile: string;
  trace: { events: SockbookStraceEvent[]; pids: number[]; programs: Record<number, string>; unparsed: string[] };
  timeline: { marks: { kind: string; lane: string; t: number; t2?: number; lane2?: string; category: string; label: string }[]; lanes: string[]; leftOut: number; hidden: number; total: number };
  /** The command's exit status. */
  exitStatus: number;
}

/**
 * Runs cmd under \`strace -f -tt -T\` (like \`%strace CMD\`) and shows a timeline,
 * one lane per process: calls as ticks, blocking calls as bars, fork and exec
 * arrows, signals. Resolves to the parsed trace. The raw log stays in
 * logFile (default strace.log); all traces every call (default: sockets,
 * processes, reads and writes, waits); maxEvents caps the picture (default 1500).
 */
declare function strace(cmd: string, options?: { logFile?: string; all?: boolean; maxEvents?: number }): Promise<SockbookTrace>;

interface SockbookPackets {
  command: string;
  logFile: string;
  ladder: {
    endpoints: string[];
    steps: { index: number; t: number; from: string; to: string; kind: string; seq?: number; ack?: number; length: number; fromState: SockbookTcpState; toState: SockbookTcpState }[];
  };
  leftOut: number;
  exitStatus: number;
}

/**
 * Captures the loopback TCP traffic of cmd with tcpdump (like \`%packets CMD\`)
 * and shows it as a sequence diagram (SYN, SYN-ACK, ACK, data, FIN, RST) with
 * each side's TCP state. Needs the kernel started with \`--isolate net\`: it
 * refuses otherwise.
 */
declare function packets(cmd: string, options?: { logFile?: string; maxSegments?: number }): Promise<SockbookPackets>;

interface SockbookTreeProcess {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: string;
  command: string;
  zombie: boolean;
  /** A session of its own that it does not lead, and no terminal: a double-forked daemon. */
  daemon: boolean;
  note?: string;
}

/**
 * Shows the kernel's processes as a tree (like \`%ps --tree\`): sessions and
 * process groups as boxes, zombies and double-forked daemons marked.
 * Resolves to the processes and the parent → child edges.
 */
declare function psTree(): Promise<{ processes: SockbookTreeProcess[]; edges: [number, number][] }>;

/** Runs a \`!cmd\` line (sh() under another name, so a variable called sh does not break them). */
declare function ${SHELL_LINE_HELPER}(cmd: string): Promise<number>;
/** Shows a \`%p EXPR # comment\` line. */
declare function ${SHOW_VALUE_HELPER}(expression: string, value: unknown, comment?: string): void;

/** The C library through koffi: socket, bind, epoll_wait and friends, with their constants. */
declare const libc: ${libcType};
`;
}
