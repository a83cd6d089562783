// The system constants, read from build/native/constants.json (printed by
// native/c/gen-constants.c from this machine's headers at install time).
import * as fs from 'node:fs';
import { nativeArtifact } from '../kernel/paths';
import {
  allConstantNames,
  epollNames,
  errnoNames,
  signalNames,
  type ConstantName,
} from './constant-names';

/** Every constant by name, e.g. `constants.EPOLLIN`, `constants.ECONNREFUSED`. */
export type Constants = Readonly<Record<ConstantName, number>>;

function loadConstants(): Constants {
  const file = nativeArtifact('constants.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${file} (${(err as Error).message}); build it with: node native/build.js`);
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

export const constants: Constants = loadConstants();

/** Maps numbers back to the first name listed for them (so EAGAIN wins over EWOULDBLOCK). */
function reverse(names: readonly ConstantName[]): ReadonlyMap<number, string> {
  const map = new Map<number, string>();
  for (const name of names) if (!map.has(constants[name])) map.set(constants[name], name);
  return map;
}

const errnoByNumber = reverse(errnoNames);
const signalByNumber = reverse(signalNames);

/** The errno name of a number, e.g. 111 → 'ECONNREFUSED'; `E<number>` if the headers have none. */
export function errnoName(errno: number): string {
  return errnoByNumber.get(errno) ?? `E${errno}`;
}

/** The signal name of a number, e.g. 2 → 'SIGINT'; `SIG<number>` if unknown. */
export function signalName(signo: number): string {
  return signalByNumber.get(signo) ?? `SIG${signo}`;
}

/** The single-bit EPOLL* event flags, lowest bit first (EPOLL_CTL_* and EPOLL_CLOEXEC are not events). */
const epollEventBits: ReadonlyArray<[string, number]> = epollNames
  .filter((name) => !name.startsWith('EPOLL_'))
  .map((name): [string, number] => [name, constants[name]])
  .sort((a, b) => a[1] - b[1]);

/**
 * Names the bits of an epoll events mask, e.g. `epollEvents(EPOLLIN | EPOLLRDHUP)`
 * → ['EPOLLIN', 'EPOLLRDHUP']. Bits without a name are listed in hex.
 */
export function epollEvents(mask: number): string[] {
  let rest = mask >>> 0;
  const names: string[] = [];
  for (const [name, bit] of epollEventBits) {
    if ((rest & bit) >>> 0 === bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names;
}
