import { Injectable } from '@nestjs/common';

/**
 * A counter of changes to who a campaign may invite (feedback imports, opt-outs, consent restored),
 * bumped after the change commits. Caches of audience counts keep the version they were computed at
 * and recompute when it moved: this process sees a change at once, others within their cache's lifetime.
 */
@Injectable()
export class AudienceChanges {
  private version = 0;

  get current(): number {
    return this.version;
  }

  changed(): void {
    this.version++;
  }
}
