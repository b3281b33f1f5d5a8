import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Another live process holds the lock; the message is the one line the process prints before it stops. */
export class DataDirInUseError extends Error {}

export const LOCK_FILE = 'goodword.lock';

/**
 * SQLite is for one process: a second server or CLI on the same DATA_DIR would start and fail later
 * with "database is locked" (or worse, interleave writes). The lock is a file holding the owner's PID,
 * created exclusively; a lock whose PID is no longer alive (a crash, kill -9) is taken over, so it never
 * blocks a restart. Returns the release function (also run on normal exit).
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  // Written aside, then hard-linked into place: the lock appears atomically and never without its PID.
  const candidate = join(dataDir, `.${LOCK_FILE}.${process.pid}`);
  writeFileSync(candidate, `${process.pid}\n`, { mode: 0o600 });
  try {
    return acquire(dataDir, path, candidate);
  } finally {
    removeQuietly(candidate);
  }
}

function acquire(dataDir: string, path: string, candidate: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      linkSync(candidate, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readPid(path);
      if (holder !== null && isAlive(holder)) {
        throw new DataDirInUseError(
          `DATA_DIR ${dataDir} is in use by another Goodword process (pid ${holder}): SQLite is for one process. ` +
            `Stop that process first, or use DATABASE_URL (PostgreSQL) to run several.`,
        );
      }
      // Stale (its process is gone, or the file was emptied by hand): remove it unless replaced meanwhile.
      if (readPid(path) === holder) removeQuietly(path);
      continue;
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.removeListener('exit', release);
      if (readPid(path) === process.pid) removeQuietly(path);
    };
    process.on('exit', release);
    return release;
  }
  throw new DataDirInUseError(`DATA_DIR ${dataDir}: could not take ${LOCK_FILE} (another process keeps replacing it)`);
}

function readPid(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Alive, not us, and (where /proc tells) a Node process: after a restart the dead owner's PID may have
 * been reused, by this very process (containers) or by an unrelated program.
 */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return /node/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc (macOS) or not readable: trust the PID
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
