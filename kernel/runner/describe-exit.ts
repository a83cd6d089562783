import type { RunResult } from './types';

/** `exit code 3`, `killed by signal 11 (SIGSEGV)`, or null when it exited with 0. */
export function describeExitStatus(result: RunResult): string | null {
  if (result.signalNumber !== null) {
    return `killed by signal ${result.signalNumber} (${result.signal ?? `SIG${result.signalNumber}`})`;
  }
  if (result.exitCode !== null && result.exitCode !== 0) return `exit code ${result.exitCode}`;
  return null;
}

/**
 * The line saying output was cut, for commands and TypeScript cells alike:
 * how many more bytes there were, and the file that kept all of it (if any).
 */
export function outputCutNote(cutBytes: number, keptIn: string | null | undefined): string {
  const where = keptIn ? `; all of it was kept in ${keptIn}` : '; it could not be kept in a file';
  return `output cut: ${cutBytes} more bytes${where}`;
}

/** A line saying a command's output was cut, or null. */
export function describeTruncation(result: RunResult): string | null {
  return result.truncatedBytes > 0 ? outputCutNote(result.truncatedBytes, result.fullOutputFile) : null;
}

/**
 * What to tell the user after a command: the exit line and the truncation
 * line, each when there is something to say (joined by "\n"), else null.
 */
/** The notice for a typed line cut at the terminal's canonical line limit. */
export function describeInputCut(lineBytes: number, keptBytes: number): string {
  return (
    `The line typed in had ${lineBytes} bytes; the terminal passes at most ${keptBytes} bytes of a line (and its newline) ` +
    `to a program reading in canonical mode, so the program got the first ${keptBytes}.`
  );
}

export function describeExit(result: RunResult): string | null {
  const lines = [describeExitStatus(result), describeTruncation(result)].filter((l): l is string => l !== null);
  return lines.length ? lines.join('\n') : null;
}
