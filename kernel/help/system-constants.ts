// The machine's constants (build/native/constants.json, generated from its
// headers by native/build.js), read asynchronously: native/constants.ts reads
// the same file synchronously, which suits the executor but not the kernel.
import { readFile } from 'node:fs/promises';
import { epollNames } from '../../native/constant-names';
import { nativeArtifact } from '../paths';

export type ConstantTable = ReadonlyMap<string, number>;

let loading: Promise<ConstantTable> | undefined;

/** Every constant by name; rejects with a hint to build when the file is missing. */
export function loadConstants(): Promise<ConstantTable> {
  loading ??= (async () => {
    const file = nativeArtifact('constants.json');
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read ${file} (${(error as Error).message}); build it with: node native/build.js`);
    }
    if (typeof parsed !== 'object' || parsed === null) throw new Error(`${file} does not hold a JSON object`);
    return new Map(Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
  })();
  // A failed read is tried again next time (the file may have been built since).
  loading.catch(() => (loading = undefined));
  return loading;
}

/** The single-bit EPOLL* event flags with their values, lowest bit first (EPOLL_CTL_* and EPOLL_CLOEXEC are not events). */
export async function epollEventBits(): Promise<[string, number][]> {
  const constants = await loadConstants();
  return epollNames
    .filter((name) => !name.startsWith('EPOLL_'))
    .map((name): [string, number] => [name, constants.get(name) ?? 0])
    .filter(([, bit]) => bit !== 0)
    .sort((a, b) => a[1] - b[1]);
}

/** Names the bits of an events mask, e.g. 0x2001 → ['EPOLLIN', 'EPOLLRDHUP']; unnamed bits in hex. */
export function nameBits(mask: number, bits: readonly [string, number][]): string[] {
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
