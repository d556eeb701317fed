/** A bounded list that drops its oldest items past `capacity`, counting what it dropped. */
export class Ring<T> {
  private items: T[] = [];
  dropped = 0;

  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity * 1.25) {
      const over = this.items.length - this.capacity;
      this.items.splice(0, over);
      this.dropped += over;
    }
  }

  /** The items, oldest first (at most `capacity`, trimmed lazily up to a quarter more). */
  all(): readonly T[] {
    if (this.items.length > this.capacity) {
      const over = this.items.length - this.capacity;
      this.items.splice(0, over);
      this.dropped += over;
    }
    return this.items;
  }

  get size(): number {
    return Math.min(this.items.length, this.capacity);
  }

  clear(): void {
    this.items = [];
  }
}
