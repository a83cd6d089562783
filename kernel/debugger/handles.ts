/**
 * Numbers the Debug Adapter Protocol hands out for frames and expandable
 * variables, valid while the program stays stopped. Each target numbers
 * from its own base, so the debugger knows whose a number is.
 */
export class Handles<T> {
  private next: number;
  private readonly values = new Map<number, T>();

  constructor(readonly base: number, readonly limit: number) {
    this.next = base;
  }

  add(value: T): number {
    const id = this.next++;
    if (this.next >= this.limit) this.next = this.base;
    this.values.set(id, value);
    return id;
  }

  get(id: number): T | undefined {
    return this.values.get(id);
  }

  owns(id: number): boolean {
    return id >= this.base && id < this.limit;
  }

  clear(): void {
    this.values.clear();
  }
}
