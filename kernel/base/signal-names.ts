import * as os from 'node:os';

const byNumber = new Map<number, string>();
for (const [name, number] of Object.entries(os.constants.signals)) {
  // SIGIOT/SIGPOLL are aliases; the first name listed by Node is the usual one.
  if (!byNumber.has(number)) byNumber.set(number, name);
}

/** The name of a signal number on this machine, e.g. 11 → 'SIGSEGV'. */
export function signalName(signo: number): string {
  return byNumber.get(signo) ?? `SIG${signo}`;
}

/** The number of a signal given by name ('SIGTERM', 'TERM') or number. */
export function signalNumber(signal: string | number): number {
  if (typeof signal === 'number') {
    if (!Number.isInteger(signal) || signal < 1 || signal > 64) throw new Error(`not a signal number: ${signal}`);
    return signal;
  }
  const name = signal.toUpperCase().startsWith('SIG') ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
  const number = (os.constants.signals as Record<string, number | undefined>)[name];
  if (number === undefined) throw new Error(`unknown signal: ${signal}`);
  return number;
}
