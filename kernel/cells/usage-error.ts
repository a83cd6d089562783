/** A magic used the wrong way; becomes an `invalid` plan (ename UsageError, like IPython). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface InvalidPlan {
  kind: 'invalid';
  ename: string;
  evalue: string;
}

export function invalidPlan(evalue: string): InvalidPlan {
  return { kind: 'invalid', ename: 'UsageError', evalue };
}
