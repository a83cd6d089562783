import type * as TS from 'typescript';

let loaded: typeof TS | undefined;

/**
 * The compiler takes a few hundred milliseconds and tens of megabytes to
 * load, so only the executor's checker thread loads it (cells run without it).
 */
export function typescript(): typeof TS {
  loaded ??= require('typescript') as typeof TS;
  return loaded;
}
