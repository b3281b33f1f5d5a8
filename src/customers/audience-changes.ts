import { Injectable, Logger } from '@nestjs/common';

/**
 * A counter of changes to who a campaign may invite (feedback imports, opt-outs, consent restored),
 * bumped after the change commits. Caches of audience counts keep the version they were computed at
 * and recompute when it moved: this process sees a change at once, others within their cache's lifetime.
 * Listeners hear each change too: the campaign scheduler runs a round at once instead of at its next
 * tick (an in-process signal, because the modules that change customers can't import campaigns; the
 * round is a queued job, which reaches any worker).
 */
@Injectable()
export class AudienceChanges {
  private readonly logger = new Logger(AudienceChanges.name);
  private readonly listeners = new Set<() => void>();
  private version = 0;

  get current(): number {
    return this.version;
  }

  changed(): void {
    this.version++;
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        // A failing listener never fails the change that was made.
        this.logger.warn({ msg: 'an audience-change listener failed', error: (error as Error).message });
      }
    }
  }

  /** Returns the function that stops listening. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
