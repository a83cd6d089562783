// Tracebacks are coloured as IPython colours its own (red exception name,
// green places); ename and evalue stay plain, only traceback lines carry colour.

const RED = '\x1b[0;31m';
const GREEN = '\x1b[0;32m';
const RESET = '\x1b[0m';

/** `NAME: message`, the name in red. */
export function errorHeader(ename: string, evalue: string): string {
  return `${RED}${ename}${RESET}: ${evalue}`;
}

/** A place in the code (`cell[3]:2:5`), in green. */
export function place(text: string): string {
  return `${GREEN}${text}${RESET}`;
}

/** What points at the fault (`^`, `error`), in red. */
export function marker(text: string): string {
  return `${RED}${text}${RESET}`;
}
