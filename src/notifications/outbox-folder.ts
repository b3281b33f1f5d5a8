import { Injectable } from '@nestjs/common';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';

/** The `.eml` files written when no SMTP server is configured (DATA_DIR/outbox), seen from privacy. */
@Injectable()
export class OutboxFolder {
  constructor(private readonly config: AppConfig) {}

  /**
   * Erasure: deletes every message that mentions one of `needles` (case-insensitive; quoted-printable
   * soft line breaks are undone first, so a wrapped address is found too). Returns how many were deleted.
   */
  async removeContaining(needles: string[]): Promise<number> {
    const lowered = needles.filter((n) => n.length > 0).map((n) => n.toLowerCase());
    const dir = join(this.config.dataDir, 'outbox');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return 0; // no folder: nothing was ever written
    }
    let removed = 0;
    for (const name of names.filter((n) => n.endsWith('.eml'))) {
      const path = join(dir, name);
      const text = (await readFile(path, 'utf8').catch(() => '')).replace(/=\r?\n/g, '').toLowerCase();
      if (lowered.some((needle) => text.includes(needle))) {
        await unlink(path).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }
}
