import type * as TS from 'typescript';

let loaded: typeof TS | undefined;

/**
 * The compiler takes a few hundred milliseconds to load, so only the executor
 * child loads it, and only when a cell or a completion first needs it.
 */
export function typescript(): typeof TS {
  loaded ??= require('typescript') as typeof TS;
  return loaded;
}
