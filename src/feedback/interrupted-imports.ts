import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { FeedbackImport } from './feedback-import.entity';
import { ownerIsGone } from './import-owner';
import { ImportsRepository } from './imports.repository';

/** A running import writes its heartbeat this often (ImportFeedbackUseCase)... */
export const IMPORT_HEARTBEAT_MS = 10_000;
/** ...and one silent for this long has lost its process (several missed beats: a busy event loop is not a death). */
export const IMPORT_STALE_AFTER_MS = 2 * 60_000;

/** Shown on the import's page and in the API: what happened and what to do. */
export const IMPORT_INTERRUPTED_MESSAGE =
  'Interrupted: the process running this import stopped (a restart or a crash) before the end of the file. ' +
  'The rows counted here were saved. Import the same file again to finish: rows already imported are recognised and not written twice.';

/**
 * Imports whose process died (crash, kill, deploy) would say "running" forever. At start, and whenever a
 * running import is looked at, those whose owner is gone (a dead pid on this host, or no heartbeat for
 * IMPORT_STALE_AFTER_MS from anywhere) are marked failed with IMPORT_INTERRUPTED_MESSAGE. Imports of live
 * processes, including other API processes on the same PostgreSQL, are left alone.
 */
@Injectable()
export class InterruptedImports implements OnApplicationBootstrap {
  private readonly logger = new Logger(InterruptedImports.name);

  constructor(private readonly imports: ImportsRepository) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep();
  }

  /** Returns the ids it marked. */
  async sweep(now = new Date()): Promise<string[]> {
    const staleBefore = new Date(now.getTime() - IMPORT_STALE_AFTER_MS);
    const gone = (await this.imports.unfinished())
      .filter((row) => !row.heartbeatAt || row.heartbeatAt < staleBefore || ownerIsGone(row.owner))
      .map((row) => row.id);
    if (gone.length === 0) return [];
    await this.imports.markInterrupted(gone, IMPORT_INTERRUPTED_MESSAGE, now);
    this.logger.warn({ msg: 'feedback imports interrupted by a stopped process marked failed', importIds: gone });
    return gone;
  }

  /** `found` as it stands after a sweep, when it claims to be running. */
  async settle<T extends FeedbackImport | null>(found: T): Promise<T> {
    if (!found || (found.status !== 'running' && found.status !== 'queued')) return found;
    if ((await this.sweep()).includes(found.id)) return (await this.imports.findById(found.id)) as T;
    return found;
  }

  /** `rows` as they stand after a sweep, when any of them claims to be running. */
  async settleMany(rows: FeedbackImport[]): Promise<FeedbackImport[]> {
    const swept = new Set(rows.some((row) => row.status === 'running' || row.status === 'queued') ? await this.sweep() : []);
    if (swept.size === 0) return rows;
    return Promise.all(rows.map(async (row) => (swept.has(row.id) ? ((await this.imports.findById(row.id)) ?? row) : row)));
  }

  /** The page's flag: this failure was an interruption, and importing the file again finishes it. */
  static wasInterrupted(found: FeedbackImport): boolean {
    return found.status === 'failed' && found.error === IMPORT_INTERRUPTED_MESSAGE;
  }
}
