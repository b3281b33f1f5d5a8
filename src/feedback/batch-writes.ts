/** What a batch writes, by key: response ids and addresses. */
export interface BatchKeys {
  responseIds: Set<string>;
  emails: Set<string>;
}

const NO_KEYS: BatchKeys = { responseIds: new Set(), emails: new Set() };
const overlaps = (a: Set<string>, b: Set<string>) => {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const key of small) if (large.has(key)) return true;
  return false;
};

/**
 * Batch writes in flight while the next batch is parsed. PostgreSQL works in processes of its own, so two
 * batches are written at once on two connections (one's statements run while the other's are prepared here),
 * unless they share a response id or an address: then the later one waits, so a row written twice in a file
 * is written in file order (disjoint batches may commit in either order: nothing one writes depends on the
 * other). SQLite, whose writes share this thread and one connection: one at a time.
 */
export class BatchWrites {
  private older: Promise<void> = Promise.resolve();
  private latest: { keys: BatchKeys; done: Promise<void> } = { keys: NO_KEYS, done: Promise.resolve() };
  private error: unknown;

  constructor(readonly concurrency: 1 | 2) {}

  /** Waits for room (and for an earlier batch sharing a key), then starts `write` without awaiting it. */
  async start(keys: BatchKeys, write: () => Promise<void>): Promise<void> {
    await this.older;
    const alone = this.concurrency === 1 || overlaps(keys.responseIds, this.latest.keys.responseIds) || overlaps(keys.emails, this.latest.keys.emails);
    if (alone) await this.latest.done;
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
