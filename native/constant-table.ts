// The constants table as both processes use it: parsed and checked from the
// text of build/native/constants.json, and the names of numbers and bit masks.
// It reads no file itself: the executor reads the file synchronously
// (native/constants.ts), the kernel asynchronously (kernel/help/system-constants.ts).
import { allConstantNames, epollNames, type ConstantName } from './constant-names';

/** Every constant by name, e.g. `constants.EPOLLIN`, `constants.ECONNREFUSED`. */
export type Constants = Readonly<Record<ConstantName, number>>;

/** A bit of a mask and its name, e.g. ['EPOLLIN', 1]. */
export type NamedBit = readonly [name: string, bit: number];

/** The error for a constants file that cannot be read, with the command that makes it. */
export function unreadableConstants(file: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`cannot read ${file} (${reason}); build it with: node native/build.js`);
}

/** The table in `text` (the content of `file`); throws, naming what is missing, unless every name has a number. */
export function parseConstants(text: string, file: string): Constants {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw unreadableConstants(file, error);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${file} does not hold a JSON object`);
  const values = parsed as Record<string, unknown>;
  const missing = allConstantNames.filter((name) => typeof values[name] !== 'number');
  if (missing.length > 0) {
    throw new Error(`${file} lacks ${missing.join(', ')}; rebuild it with: node native/build.js`);
  }
  const out = {} as Record<ConstantName, number>;
  for (const name of allConstantNames) out[name] = values[name] as number;
  return Object.freeze(out);
}

/** Whether `name` is one of the constants (for names typed by a user). */
export function isConstantName(constants: Constants, name: string): name is ConstantName {
  return Object.prototype.hasOwnProperty.call(constants, name);
}

/** Maps numbers back to the first name listed for them (so EAGAIN wins over EWOULDBLOCK). */
export function namesByNumber(constants: Constants, names: readonly ConstantName[]): ReadonlyMap<number, string> {
  const map = new Map<number, string>();
  for (const name of names) if (!map.has(constants[name])) map.set(constants[name], name);
  return map;
}

/** The single-bit EPOLL* event flags, lowest bit first (EPOLL_CTL_* and EPOLL_CLOEXEC are not events). */
export function epollEventBits(constants: Constants): NamedBit[] {
  return epollNames
    .filter((name) => !name.startsWith('EPOLL_'))
    .map((name): NamedBit => [name, constants[name]])
    .sort((a, b) => a[1] - b[1]);
}

/** Names the bits of a mask, e.g. 0x2001 → ['EPOLLIN', 'EPOLLRDHUP']; bits without a name in hex. */
export function nameBits(mask: number, bits: readonly NamedBit[]): string[] {
  let rest = mask >>> 0;
  const names: string[] = [];
  for (const [name, bit] of bits) {
    if ((rest & bit) >>> 0 === bit >>> 0) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names;
}
