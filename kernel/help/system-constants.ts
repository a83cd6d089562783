// The machine's constants (build/native/constants.json) for the kernel: read
// asynchronously, since the kernel's event loop must not wait on a file, and
// checked like the executor's copy (native/constants.ts) by the same parser.
import { readFile } from 'node:fs/promises';
import { epollEventBits as bitsOf, parseConstants, unreadableConstants, type Constants, type NamedBit } from '../../native/constant-table';
import { nativeArtifact } from '../paths';

let loading: Promise<Constants> | undefined;

/** Every constant by name; rejects with a hint to build when the file is missing or incomplete. */
export function loadConstants(): Promise<Constants> {
  loading ??= (async () => {
    const file = nativeArtifact('constants.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw unreadableConstants(file, error);
    }
    return parseConstants(text, file);
  })();
  // A failed read is tried again next time (the file may have been built since).
  loading.catch(() => (loading = undefined));
  return loading;
}

/** The single-bit EPOLL* event flags with their values, lowest bit first. */
export async function epollEventBits(): Promise<NamedBit[]> {
  return bitsOf(await loadConstants());
}
