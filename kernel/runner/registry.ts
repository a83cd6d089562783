/** Every helper this kernel started, so restart and shutdown can end them all. */

export interface StartedProcess {
  /** The sockbook-run helper: parent (subreaper) of everything the command starts. */
  helperPid: number;
  /** The command's main process (bash, or the program bash exec'd), once known. */
  mainPid: number | null;
  command: string;
  kind: 'command' | 'background';
  startedAt: Date;
  /** False once the main process ended; descendants (daemons) may still live. */
  running: boolean;
}

/** What the registry needs from a started helper. */
export interface RegisteredHelper {
  readonly info: StartedProcess;
  /** Asks the helper to kill every descendant and exit; resolves when it has. */
  killAll(): Promise<void>;
}

const started = new Set<RegisteredHelper>();

export function register(helper: RegisteredHelper): void {
  started.add(helper);
}

export function unregister(helper: RegisteredHelper): void {
  started.delete(helper);
}

/** The helpers still alive (with commands or their daemons), oldest first. */
export function listStarted(): StartedProcess[] {
  return [...started].map((h) => ({ ...h.info }));
}

/** Kills everything any command started (restart, shutdown). */
export async function killAllStarted(): Promise<void> {
  await Promise.all([...started].map((h) => h.killAll()));
}
