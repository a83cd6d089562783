/**
 * `sockbook run`'s exit statuses. They are ordered by how bad the outcome
 * is, so the status of several notebooks (or of several cells) is the highest.
 */
export const ExitCode = {
  /** Every cell that ran ended ok (or raised where it was tagged raises-exception). */
  ok: 0,
  /** A cell ended in error. */
  cellError: 1,
  /** A usage error, a notebook that is not a valid nbformat 4 file (nothing ran), or a file that cannot be written. */
  usage: 2,
  /** A cell ran past --cell-timeout, or the notebook past --timeout. */
  timeout: 3,
  /** The TypeScript executor or a command's helper died (a fresh one ran the cells after it). */
  kernelDied: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function worstExit(codes: Iterable<ExitCode>): ExitCode {
  let worst: ExitCode = ExitCode.ok;
  for (const code of codes) if (code > worst) worst = code;
  return worst;
}

/** One line per status, for --help. */
export const EXIT_CODE_HELP = `exit status (of several notebooks: the highest):
  0  every cell ok (an error in a cell tagged raises-exception is ok)
  1  a cell ended in error
  2  a usage error, a malformed notebook (nothing ran), a file that cannot be written
  3  a cell ran past --cell-timeout, or the notebook past --timeout
  4  the TypeScript executor or a command's helper died`;
