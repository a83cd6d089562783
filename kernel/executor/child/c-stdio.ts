import * as path from 'node:path';

type Fflush = (stream: null) => number;
let fflush: Fflush | undefined;
let koffiSeen = false;

/**
 * C stdio buffers printf output when fd 1 is a pipe. Once a cell has loaded
 * koffi (directly or through the libc bindings), the executor flushes C's
 * buffers before each fence so native output shows up where it was printed.
 */
export function flushCStdio(): void {
  if (!koffiSeen) {
    const marker = `${path.sep}koffi${path.sep}`;
    koffiSeen = Object.keys(require.cache).some((file) => file.includes(marker));
    if (!koffiSeen) return;
  }
  try {
    if (!fflush) {
      const koffi = require('koffi') as { load(name: string): { func(signature: string): Fflush } };
      fflush = koffi.load('libc.so.6').func('int fflush(void *stream)');
    }
    fflush(null);
  } catch {
    // No libc to flush through: native output then arrives when C flushes it.
  }
}
