import type { RunResult } from './types';

/** `exit code 3`, `killed by signal 11 (SIGSEGV)`, or null when it exited with 0. */
export function describeExitStatus(result: RunResult): string | null {
  if (result.signalNumber !== null) {
    return `killed by signal ${result.signalNumber} (${result.signal ?? `SIG${result.signalNumber}`})`;
  }
  if (result.exitCode !== null && result.exitCode !== 0) return `exit code ${result.exitCode}`;
  return null;
}

/** A line saying output was cut (how much more, where all of it is), or null. */
export function describeTruncation(result: RunResult): string | null {
  if (result.truncatedBytes <= 0) return null;
  const where = result.fullOutputFile
    ? `; all of it was kept in ${result.fullOutputFile}`
    : '; it could not be kept in a file';
  return `output cut: ${result.truncatedBytes} more bytes${where}`;
}

/**
 * What to tell the user after a command: the exit line and the truncation
 * line, each when there is something to say (joined by "\n"), else null.
 */
export function describeExit(result: RunResult): string | null {
  const lines = [describeExitStatus(result), describeTruncation(result)].filter((l): l is string => l !== null);
  return lines.length ? lines.join('\n') : null;
}
