import { readdirSync, readFileSync } from 'node:fs';

/** Linux counts process CPU time in clock ticks of 1/100 s (USER_HZ, `getconf CLK_TCK`). */
const TICK_US = 10_000;

/** What to add up: processes by pid, and every process whose command is one of `commands` (e.g. all PostgreSQL backends). */
export interface CpuGroups {
  pids?: Record<string, number | undefined>;
  commands?: Record<string, string>;
}

/**
 * CPU time (user + system, µs) each group has used so far, read from `/proc`, after `load generator`: this process
 * (where autocannon runs). On a system without `/proc` the groups read 0.
 */
export function cpuTimes(groups: CpuGroups): Map<string, number> {
  const times = new Map<string, number>();
  const add = (group: string, us: number) => times.set(group, (times.get(group) ?? 0) + us);
  const own = process.cpuUsage();
  add('load generator', own.user + own.system);
  // Every group is listed, in the order given, even one that used no CPU.
  for (const group of [...Object.keys(groups.pids ?? {}), ...Object.keys(groups.commands ?? {})]) times.set(group, 0);
  const byPid = new Map(Object.entries(groups.pids ?? {}).flatMap(([group, pid]) => (pid ? [[String(pid), group] as const] : [])));
  const byCommand = new Map(Object.entries(groups.commands ?? {}).map(([group, command]) => [command, group]));
  if (byPid.size === 0 && byCommand.size === 0) return times; // nothing to read /proc for
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return times;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (command) state …": the command may hold spaces and parentheses, so the fields are read after the last ")".
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const group = byPid.get(pid) ?? byCommand.get(command);
    if (!group) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    add(group, (Number(fields[11]) + Number(fields[12])) * TICK_US); // utime, stime
  }
  return times;
}

/** CPU µs per request of each group between two `cpuTimes` readings. */
export function cpuPerRequest(before: Map<string, number>, after: Map<string, number>, requests: number): Map<string, number> {
  const per = new Map<string, number>();
  for (const [group, us] of after) per.set(group, (us - (before.get(group) ?? 0)) / Math.max(1, requests));
  return per;
}
