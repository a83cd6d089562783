/**
 * The signatures of recently received messages, so that a byte-identical
 * replay of a signed message is recognised (ipykernel keeps the same kind of
 * history). Bounded: past `capacity` entries the oldest are forgotten.
 */
export class DigestHistory {
  private readonly seen = new Set<string>();

  constructor(readonly capacity = 1 << 16) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`DigestHistory: capacity must be a positive integer, got ${capacity}`);
  }

  /** Records a signature; false when it was already there (a replay). */
  add(signature: string): boolean {
    if (this.seen.has(signature)) return false;
    this.seen.add(signature);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
