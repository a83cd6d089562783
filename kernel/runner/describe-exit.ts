import { formatByteSize } from './byte-size';
import type { RunResult } from './types';

/**
 * `exit code 3`, `killed by signal 11 (SIGSEGV)`, `killed by signal 9
 * (SIGKILL): the kernel's memory limit (2 GiB) was reached`, or null when it
 * exited with 0.
 */
export function describeExitStatus(result: RunResult): string | null {
  if (result.signalNumber !== null) {
    const line = `killed by signal ${result.signalNumber} (${result.signal ?? `SIG${result.signalNumber}`})`;
    return result.memoryLimit === undefined ? line : `${line}: the kernel's memory limit (${formatByteSize(result.memoryLimit)}) was reached`;
  }
  if (result.exitCode !== null && result.exitCode !== 0) return `exit code ${result.exitCode}`;
  return null;
}

/**
 * The line saying output was cut, for commands and TypeScript cells alike:
 * how many more bytes there were, the file that kept them (if any), and how
 * many of them that file could not take (past its cap).
 */
export function outputCutNote(cutBytes: number, keptIn: string | null | undefined, droppedBytes = 0): string {
  if (!keptIn) return `output cut: ${cutBytes} more bytes; it could not be kept in a file`;
  if (droppedBytes <= 0) return `output cut: ${cutBytes} more bytes; all of it was kept in ${keptIn}`;
  return `output cut: ${cutBytes} more bytes; ${keptIn} keeps all but the last ${droppedBytes}, which were dropped (a kept file is capped by SOCKBOOK_MAX_KEPT_OUTPUT)`;
}

/** A line saying a command's output was cut, or null. */
export function describeTruncation(result: RunResult): string | null {
  return result.truncatedBytes > 0 ? outputCutNote(result.truncatedBytes, result.fullOutputFile, result.droppedBytes) : null;
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
