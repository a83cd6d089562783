/**
 * MurmurHash2 (32-bit, Austin Appleby's algorithm) of a string's UTF-8
 * bytes: the hash JupyterLab computes over a cell's code to name the file
 * the kernel dumps it to (debugInfo's `hashMethod: "Murmur2"`). Both sides
 * must agree to the bit, or a breakpoint lands in a file nobody runs.
 */
const M = 0x5bd1e995;
const R = 24;

export function murmur2(text: string, seed: number): number {
  const data = Buffer.from(text, 'utf8');
  let length = data.length;
  let h = (seed ^ length) >>> 0;
  let i = 0;
  while (length >= 4) {
    let k = data.readUInt32LE(i);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
    i += 4;
    length -= 4;
  }
  // The 1 to 3 bytes left, the last one first.
  if (length === 3) h ^= (data[i + 2] ?? 0) << 16;
  if (length >= 2) h ^= (data[i + 1] ?? 0) << 8;
  if (length >= 1) {
    h ^= data[i] ?? 0;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h >>> 0;
}
