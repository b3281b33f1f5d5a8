import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** This process, as written into the imports it runs: `host/pid/boot id`. */
const BOOT_ID = randomUUID().slice(0, 8);
const HOST = hostname().slice(0, 150);

export function currentOwner(): string {
  return `${HOST}/${process.pid}/${BOOT_ID}`;
}

/**
 * True when `owner` is certainly gone: a process on this host that no longer runs, or an earlier
 * incarnation of this very pid (a container restarted as pid 1). Anything else (another host, a
 * live pid) is judged by its heartbeat instead.
 */
export function ownerIsGone(owner: string | null): boolean {
  if (!owner) return false;
  const match = /^(.*)\/(\d+)\/([^/]+)$/.exec(owner);
  if (!match || match[1] !== HOST) return false;
  const pid = Number(match[2]);
  if (match[3] === BOOT_ID) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0); // signal 0: only asks whether it exists
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
