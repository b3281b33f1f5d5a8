import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Keeps a bulk import's memory flat. Each batch allocates a few MB of short-lived strings (the SQL
 * parameters, the parsed rows); V8 lets such garbage pile up to several hundred MB before a full
 * collection, so peak memory would depend on how long the import runs rather than on what it holds
 * (~50 MB live). Between batches, when the heap is above the ceiling, this asks for a full collection:
 * one ~40 ms pause every few dozen batches. If the runtime refuses to expose `gc`, it does nothing.
 */
export class HeapCeiling {
  private static gc: (() => void) | null | undefined;

  constructor(private bytes = 128 * 1024 * 1024) {}

  /** Call between batches. */
  check(): void {
    if (getHeapStatistics().used_heap_size < this.bytes) return;
    const gc = HeapCeiling.collector();
    if (!gc) return;
    gc();
    // A process that simply holds more than the ceiling (a busy API server) gets a higher one: no thrashing.
    const live = getHeapStatistics().used_heap_size;
    if (live > this.bytes * 0.75) this.bytes = live * 2;
  }

  private static collector(): (() => void) | null {
    if (this.gc === undefined) {
      try {
        setFlagsFromString('--expose-gc');
        this.gc = runInNewContext('gc') as () => void;
      } catch {
        this.gc = null;
      }
    }
    return this.gc;
  }
}
