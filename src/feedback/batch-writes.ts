const overlaps = (a: Set<string>, b: Set<string>) => {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const key of small) if (large.has(key)) return true;
  return false;
};

/**
 * Batch writes in flight while the next batch is parsed. PostgreSQL works in processes of its own, so several
 * batches are written at once on their own connections (their statements run while the next batch is prepared
 * here), unless they share a response id: then the later one waits for the earlier, so a response written twice
 * in a file is written in file order. Batches that only share customers run side by side: the customer rows are
 * brought up to date under their row locks, whatever order the batches commit in (FeedbackIngestService). With
 * survey files where customers come back (most of them), waiting on shared addresses too had every batch wait
 * for the one before. SQLite, whose writes share this thread and one connection: one at a time.
 */
export class BatchWrites {
  private readonly inFlight = new Set<{ responseIds: Set<string>; done: Promise<void> }>();
  private error: unknown;

  constructor(readonly concurrency: number) {}

  /** Waits for room (and for the earlier batches sharing a response id), then starts `write` without awaiting it. */
  async start(responseIds: Set<string>, write: () => Promise<void>): Promise<void> {
    while (this.inFlight.size >= this.concurrency) await Promise.race([...this.inFlight].map((w) => w.done));
    const sharing = [...this.inFlight].filter((w) => overlaps(responseIds, w.responseIds));
    await Promise.all(sharing.map((w) => w.done));
    this.throwIfFailed();
    const entry = { responseIds, done: Promise.resolve() };
    entry.done = write()
      .catch((error: unknown) => {
        this.error ??= error;
      })
      .finally(() => this.inFlight.delete(entry));
    this.inFlight.add(entry);
  }

  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight].map((w) => w.done));
  }

  throwIfFailed(): void {
    if (this.error) throw this.error;
  }
}
