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
  /** 'msg': the frontend sent data; 'close': the frontend closed the comm. A listener's promise keeps the frontend's message busy until it settles. */
  on(event: 'msg' | 'close', listener: (message: SockbookCommEvent) => unknown): this;
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
/** What an observer gets: the property's name (camelCase), its old and new value, and the widget. */
interface SockbookWidgetChange<W, V = unknown> {
  name: string;
  old: V;
  new: V;
  owner: W;
  type: 'change';
}

/** Options every widget takes. Layout keys are CSS properties in camelCase (width: '300px'); style keys per widget (descriptionWidth: 'initial'). */
interface SockbookWidgetOptions {
  description?: string;
  disabled?: boolean;
  tooltip?: string | null;
  layout?: { width?: string; height?: string; margin?: string; padding?: string; border?: string; display?: string; [key: string]: string | null | undefined };
  style?: { descriptionWidth?: string; handleColor?: string; buttonColor?: string; [key: string]: string | null | undefined };
}

/** A widget's layout (its LayoutModel): CSS properties in camelCase; null is the default. Setting one restyles every view. */
interface SockbookLayout {
  width: string | null;
  height: string | null;
  minWidth: string | null;
  maxWidth: string | null;
  margin: string | null;
  padding: string | null;
  display: string | null;
  visibility: string | null;
  [property: string]: unknown;
}

/** One widget: an ipywidgets 8 model in the frontend, kept in step with this object both ways. Show it with display(w) or as the cell's last expression. */
interface SockbookWidget {
  /** The model id (its comm's id). */
  readonly id: string;
  /** Its layout (not for layout and style models themselves). */
  readonly layout: SockbookLayout;
  /** Its style (descriptionWidth, handleColor, buttonColor, … by widget). */
  readonly style: { [property: string]: unknown };
  readonly closed: boolean;
  /** Calls observer after a property changes, from a cell or from the frontend (a dragged slider); names: 'value' (default), others, or '*'. An async observer keeps the frontend's message busy until it ends. */
  observe(observer: (change: SockbookWidgetChange<this>) => unknown, names?: string | string[]): this;
  unobserve(observer: (change: SockbookWidgetChange<this>) => unknown): this;
  /** Sends a custom message to the frontend's model. */
  send(content: Record<string, unknown>): void;
  /** Closes the widget: its views disappear. */
  close(): void;
}

interface SockbookValueWidget<V> extends SockbookWidget {
  /** The value; setting it updates every view; the frontend's changes land here. */
  value: V;
  description: string;
  disabled: boolean;
  observe(observer: (change: SockbookWidgetChange<this, V>) => unknown, names?: string | string[]): this;
}

interface SockbookSliderOptions extends SockbookWidgetOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  /** Sends values while the handle is dragged (default true); false: only when released. */
  continuousUpdate?: boolean;
  orientation?: 'horizontal' | 'vertical';
  readout?: boolean;
  readoutFormat?: string;
}

/** A slider; the value stays within [min, max]. */
interface SockbookSlider extends SockbookValueWidget<number> {
  min: number;
  max: number;
  step: number;
  continuousUpdate: boolean;
  orientation: 'horizontal' | 'vertical';
  readout: boolean;
  readoutFormat: string;
}

interface SockbookPlay extends SockbookValueWidget<number> {
  min: number;
  max: number;
  step: number;
  /** Milliseconds between steps. */
  interval: number;
  playing: boolean;
  repeat: boolean;
  showRepeat: boolean;
}

interface SockbookText extends SockbookValueWidget<string> {
  placeholder: string;
  continuousUpdate: boolean;
}

interface SockbookLabel extends SockbookValueWidget<string> {}

interface SockbookCheckbox extends SockbookValueWidget<boolean> {
  indent: boolean;
}

/** A choice among options; value is the chosen option's value, label its label, index its position (null: none). */
interface SockbookDropdown<V = unknown> extends SockbookValueWidget<V | null> {
  /** The options as [label, value] pairs; set it to labels or pairs (selects the first). */
  options: [string, V][] | readonly (string | number | readonly [string, V])[];
  label: string | null;
  index: number | null;
}

interface SockbookButton extends SockbookWidget {
  description: string;
  disabled: boolean;
  /** '', 'primary', 'success', 'info', 'warning' or 'danger'. */
  buttonStyle: string;
  /** A Font Awesome icon name. */
  icon: string;
  /** Calls handler on each click; an async handler (a program it runs) keeps the click busy until it ends, so an Output can capture it. */
  onClick(handler: (button: this) => unknown): this;
}

/** A place for output (ipywidgets' Output). */
interface SockbookOutput extends SockbookWidget {
  /** The outputs it shows, as nbformat stores them. */
  readonly outputs: Record<string, unknown>[];
  /**
   * Runs work and shows its output here instead of the cell: console.log, display(), and what sh() and !
   * commands (C programs) print. Works in a cell and in a widget's handler (a click), as ipywidgets' \`with out:\`.
   * An error of work is shown here too, and capture then resolves to undefined.
   */
  capture<T>(work: () => T | Promise<T>): Promise<T | undefined>;
  appendStdout(text: string): void;
  appendStderr(text: string): void;
  /** Appends a value as display() shows it. */
  appendDisplay(value: unknown): void;
  /** Appends a MIME bundle, as display.data() shows it: { 'text/html': '<b>hi</b>', 'text/plain': 'hi' }. */
  appendData(bundle: Record<string, unknown>, metadata?: Record<string, unknown>): void;
  clear(): void;
}

interface SockbookBox extends SockbookWidget {
  children: SockbookWidget[];
  /** '', 'success', 'info', 'warning' or 'danger'. */
  boxStyle: string;
}

/** What interact() shows and returns: its controls by argument name, and the Output the function's output goes to. */
interface SockbookInteractive extends SockbookBox {
  readonly controls: Record<string, SockbookWidget>;
  readonly output: SockbookOutput;
  /** The function's first run: await it when the function is async, so its output lands while the cell runs. */
  readonly ready: Promise<void>;
}

/** What interact() takes for an argument: [min, max] or [min, max, step] (a slider; integers give an IntSlider), a number, a boolean (a Checkbox), a string (a Text), a list of choices (a Dropdown), or a widget. */
type SockbookControlSpec = readonly [number, number] | readonly [number, number, number] | number | boolean | string | readonly (string | readonly [string, unknown])[] | SockbookWidget;

/** Makes a widget, called as a function (as in Python) or with new. */
interface SockbookWidgetMaker<O, W> {
  (options?: O): W;
  new (options?: O): W;
}

interface SockbookBoxMaker {
  (children?: SockbookWidget[], options?: SockbookWidgetOptions & { boxStyle?: string }): SockbookBox;
  new (children?: SockbookWidget[], options?: SockbookWidgetOptions & { boxStyle?: string }): SockbookBox;
}

type SockbookDropdownOptions<V> = SockbookWidgetOptions & { options: readonly (V | readonly [string, V])[]; value?: V; label?: string; index?: number | null };

interface SockbookWidgets {
  IntSlider: SockbookWidgetMaker<SockbookSliderOptions, SockbookSlider>;
  FloatSlider: SockbookWidgetMaker<SockbookSliderOptions, SockbookSlider>;
  Text: SockbookWidgetMaker<SockbookWidgetOptions & { value?: string; placeholder?: string; continuousUpdate?: boolean }, SockbookText>;
  Label: SockbookWidgetMaker<SockbookWidgetOptions & { value?: string }, SockbookLabel>;
  Checkbox: SockbookWidgetMaker<SockbookWidgetOptions & { value?: boolean; indent?: boolean }, SockbookCheckbox>;
  /** Options: labels, or [label, value] pairs. */
  Dropdown: { <V = string>(options: SockbookDropdownOptions<V>): SockbookDropdown<V>; new <V = string>(options: SockbookDropdownOptions<V>): SockbookDropdown<V> };
  Button: SockbookWidgetMaker<SockbookWidgetOptions & { buttonStyle?: string; icon?: string }, SockbookButton>;
  Output: SockbookWidgetMaker<SockbookWidgetOptions, SockbookOutput>;
  HBox: SockbookBoxMaker;
  VBox: SockbookBoxMaker;
  Play: SockbookWidgetMaker<SockbookWidgetOptions & { value?: number; min?: number; max?: number; step?: number; interval?: number; repeat?: boolean }, SockbookPlay>;
  /**
   * Shows a control per argument and an Output; fn runs now and after every change with the controls'
   * values, and what it prints, displays or returns replaces the Output's content.
   *
   * @example widgets.interact(({ n }) => n * n, { n: [1, 100] });
   */
  interact<T extends Record<string, unknown>>(fn: (args: T) => unknown, controls: { [K in keyof T]: SockbookControlSpec }): SockbookInteractive;
  /** The widgets open now. */
  readonly open: SockbookWidget[];
}

/**
 * Jupyter widgets (ipywidgets 8, rendered by JupyterLab's widget manager), two-way: a slider the user drags
 * sets .value here and fires .observe() callbacks; setting .value here moves the slider. They survive a page reload.
 *
 * @example const clients = widgets.IntSlider({ value: 10, min: 1, max: 200, description: 'clients' });
 *          clients.observe(({ new: n }) => console.log('now', n));
 *          clients
 */
declare const widgets: SockbookWidgets;

/** Runs a \`!cmd\` line (sh() under another name, so a variable called sh does not break them). */
declare function ${SHELL_LINE_HELPER}(cmd: string): Promise<number>;
/** Shows a \`%p EXPR # comment\` line. */
declare function ${SHOW_VALUE_HELPER}(expression: string, value: unknown, comment?: string): void;

/** The C library through koffi: socket, bind, epoll_wait and friends, with their constants. */
declare const libc: ${libcType};
`;
}
