// The system constants, read from build/native/constants.json (printed, at
// install time, by the program native/build.js writes from the name list in
// native/constant-names.ts and compiles against this machine's headers).
import * as fs from 'node:fs';
import { signalName } from '../kernel/base/signal-names';
import { nativeArtifact } from '../kernel/base/paths';
import { errnoNames } from './constant-names';
import { epollEventBits, nameBits, namesByNumber, parseConstants, unreadableConstants, type Constants } from './constant-table';

export type { Constants } from './constant-table';
export { signalName };

function loadConstants(): Constants {
  const file = nativeArtifact('constants.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw unreadableConstants(file, error);
  }
  return parseConstants(text, file);
}

export const constants: Constants = loadConstants();

const errnoByNumber = namesByNumber(constants, errnoNames);

/** The errno name of a number, e.g. 111 → 'ECONNREFUSED'; `E<number>` if the headers have none. */
export function errnoName(errno: number): string {
  return errnoByNumber.get(errno) ?? `E${errno}`;
}

const epollBits = epollEventBits(constants);

/**
 * Names the bits of an epoll events mask, e.g. `epollEvents(EPOLLIN | EPOLLRDHUP)`
 * → ['EPOLLIN', 'EPOLLRDHUP']. Bits without a name are listed in hex.
 */
export function epollEvents(mask: number): string[] {
  return nameBits(mask, epollBits);
}
