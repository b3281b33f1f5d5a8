/**
 * Batch writes in flight while the next batch is parsed. PostgreSQL works in processes of its own, so two
 * batches are written at once on two connections (one's statements run while the other's are prepared here),
 * unless they share a response id or an address: then the later one waits, so a row written twice in a file
 * is written in file order (disjoint batches may commit in either order: nothing one writes depends on the
 * other). SQLite, whose writes share this thread and one connection: one at a time.
 */
export class BatchWrites {
  private older: Promise<void> = Promise.resolve();
  private latest: { keys: Set<string>; done: Promise<void> } = { keys: new Set(), done: Promise.resolve() };
  private error: unknown;

  constructor(readonly concurrency: 1 | 2) {}

  /** Waits for room (and for an earlier batch sharing a key), then starts `write` without awaiting it. */
  async start(keys: Set<string>, write: () => Promise<void>): Promise<void> {
    await this.older;
    if (this.concurrency === 1 || [...keys].some((key) => this.latest.keys.has(key))) await this.latest.done;
    this.throwIfFailed();
    const done = write().catch((error: unknown) => {
      this.error ??= error;
    });
    this.older = this.latest.done;
    this.latest = { keys, done };
  }

  async settled(): Promise<void> {
    await Promise.all([this.older, this.latest.done]);
  }

  throwIfFailed(): void {
    if (this.error) throw this.error;
  }
}
