// The one error an interrupt ends things with, in C cells, TypeScript cells,
// shell commands, libc's blocking calls and input requests alike, and the
// words it says.

/** The name users see, as Python's. */
export const KEYBOARD_INTERRUPT = 'KeyboardInterrupt';

/** What an interrupted cell says, whatever its language. */
export const CELL_INTERRUPTED = 'interrupted by the user';

/** A blocking libc call ended by the interrupt: `epoll_wait interrupted`. */
export function callInterrupted(syscall: string): string {
  return `${syscall} interrupted`;
}

/** A shell command of a TypeScript cell (`sh()`, `!cmd`) ended by the interrupt. */
export function commandInterrupted(command: string): string {
  return `the command was interrupted: ${command}`;
}

/** An input request the interrupt cancelled. */
export const INPUT_INTERRUPTED = 'interrupted while waiting for input';

/** An interrupt that came while the cell waited for its turn. */
export const INTERRUPTED_BEFORE_START = 'the cell was interrupted before it started';

/** Thrown where an interrupt ends a wait or a cell; like Python's KeyboardInterrupt. */
export class KeyboardInterrupt extends Error {
  constructor(message: string = CELL_INTERRUPTED) {
    super(message);
    this.name = KEYBOARD_INTERRUPT;
  }
}
