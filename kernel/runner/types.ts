/** How to run one shell command. */
export interface RunOptions {
  /** Run with `bash -c`. */
  command: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** When false the program's stdin reads end-of-file at once. */
  allowStdin: boolean;
  /** Bytes of output passed on before the rest goes only to a file (default 1 MiB). */
  outputLimit?: number;
  /** Aborting interrupts: SIGINT to the foreground group, SIGKILL to what is left COMMAND_KILL_AFTER_MS later (interrupt-timing.ts). */
  signal?: AbortSignal;
  /** Output as it arrives (already coalesced, `\r\n` turned into `\n`). */
  onOutput(text: string): void;
  /** Called when the program is blocked reading its terminal; the answer is typed in (a newline is added). */
  onInputWanted?(): Promise<string>;
  /** A line typed in was longer than the terminal takes in canonical mode and was cut (see describeInputCut). */
  onInputCut?(lineBytes: number, keptBytes: number): void;
}

export interface RunResult {
  exitCode: number | null;
  /** Signal name when the program died by a signal, e.g. 'SIGSEGV'. */
  signal: string | null;
  signalNumber: number | null;
  interrupted: boolean;
  /** Bytes not passed to onOutput because of outputLimit. */
  truncatedBytes: number;
  /** Where the whole output was kept when it was cut. */
  fullOutputFile?: string;
  /** Bytes of output not kept in that file either (past its cap). */
  droppedBytes?: number;
  /** Set when the kernel's memory limit killed the program: the limit in bytes. */
  memoryLimit?: number;
}
