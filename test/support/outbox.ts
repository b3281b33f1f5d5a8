import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The emails the file transport has finished writing to `<dataDir>/outbox`, oldest first. The transport writes
 * `.<name>.tmp` and then renames it to `<name>.eml`, so a test polling while mail is being sent must skip the
 * temporary files: one listed a moment before its rename is gone when it is opened.
 */
export function outboxEmails(dataDir: string): string[] {
  const dir = join(dataDir, 'outbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}
