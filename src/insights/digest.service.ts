import { Injectable, Logger } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { Actor, SYSTEM_ACTOR } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { OutboxService } from '../jobs/outbox.service';
import { Location } from '../locations/location.entity';
import { LocationsService } from '../locations/locations.service';
import { sealEmailSecrets, SEND_EMAIL_JOB } from '../notifications';
import { UsersService } from '../users/users.service';
import { InsightsRepository } from './insights.repository';
import { LocationWeek, LocationWeekService } from './location-week.service';

/** Monday 08:00 local time opens a week's digest; it may still go out until Tuesday 08:00 (a worker that was down). */
export const DIGEST_HOUR = 8;

/**
 * The Monday (`YYYY-MM-DD`, local) whose digest is due at `now` in `timeZone`, or null outside Monday 08:00 –
 * Tuesday 08:00 there. An unknown zone counts as UTC.
 */
export function dueDigestWeek(now: Date, timeZone: string): string | null {
  let parts: Record<string, string>;
  try {
    parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
        .formatToParts(now)
        .map((p) => [p.type, p.value]),
    );
  } catch {
    return dueDigestWeek(now, 'UTC');
  }
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const hour = Number(parts.hour);
  if (parts.weekday === 'Mon' && hour >= DIGEST_HOUR) return date;
  if (parts.weekday === 'Tue' && hour < DIGEST_HOUR) return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return null;
}

/** The Monday (`YYYY-MM-DD`) of the week `now` falls in, in `timeZone`. */
export function currentWeekMonday(now: Date, timeZone: string): string {
  let local: string;
  let weekday: string;
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now).map((p) => [p.type, p.value]),
    );
    local = `${parts.year}-${parts.month}-${parts.day}`;
    weekday = parts.weekday;
  } catch {
    return currentWeekMonday(now, 'UTC');
  }
  const back = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(weekday);
  return new Date(Date.parse(`${local}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The weekly digest: on Monday at 08:00 in each location's time zone, the manager's week goes by email to
 * the location's manager and its dealers, through the outbox. A delivery row with a unique key per
 * (location, recipient, week) is written in the same transaction as the email job, so a second worker, a
 * restart or a repeated tick never sends it twice. Staff email: transactional, never on a customer's cap.
 */
@Injectable()
export class DigestService {
  private readonly logger = new Logger(DigestService.name);

  constructor(
    private readonly repo: InsightsRepository,
    private readonly locations: LocationsService,
    private readonly users: UsersService,
    private readonly week: LocationWeekService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** Queues every digest due at `now`; returns how many were queued by this call. */
  async sendDue(now = new Date()): Promise<number> {
    const disabled = await this.repo.digestDisabledLocationIds();
    const staff = (await this.users.list()).filter((u) => u.active && u.role === 'dealer');
    let queued = 0;
    for (const location of await this.locations.list(SYSTEM_ACTOR)) {
      if (disabled.has(location.id)) continue;
      const week = dueDigestWeek(now, location.timezone);
      if (!week) continue;
      try {
        queued += await this.sendForLocation(location, week, staff, now);
      } catch (error) {
        this.logger.error({ msg: 'weekly digest failed for a location', locationId: location.id, error: (error as Error).message });
      }
    }
    if (queued > 0) this.outbox.kick();
    return queued;
  }

  private async sendForLocation(location: Location, week: string, dealers: { email: string; locations: string[] }[], now: Date): Promise<number> {
    const candidates = [...new Set([location.managerEmail, ...dealers.filter((d) => d.locations.includes(location.code)).map((d) => d.email)]
      .filter((e): e is string => Boolean(e)).map((e) => e.trim().toLowerCase()))];
    const optedOut = await this.repo.optedOut(candidates);
    const done = await this.repo.deliveredTo(location.id, week);
    const pending = candidates.filter((e) => !optedOut.has(e) && !done.has(e));
    if (pending.length === 0) return 0;
    const content = await this.week.forLocation(location, now);
    let queued = 0;
    for (const recipient of pending) {
      const claimed = await this.repo.transaction(async (manager) => {
        if (!(await this.repo.claimDelivery(manager, location.id, recipient, week))) return false;
        await this.outbox.add(manager, SEND_EMAIL_JOB, {
          to: recipient,
          template: 'weekly-digest',
          subject: digestSubject(location, content),
          kind: 'transactional',
          context: digestContext(content, `${this.config.publicUrl}/dashboard/locations/${encodeURIComponent(location.code)}/week`),
          sealed: sealEmailSecrets(this.config.encryptionKey, { unsubscribeUrl: this.unsubscribeUrl(recipient), context: { unsubscribeUrl: this.unsubscribeUrl(recipient) } }),
          headers: { 'X-Goodword-Digest': `${location.code}/${week}` },
        });
        return true;
      });
      if (claimed) queued += 1;
    }
    return queued;
  }

  /**
   * Queues this week's digest for one location now (the demo shows one at once); the delivery key is the
   * same Monday as the scheduled one, so Monday's run later doesn't send it again.
   */
  async sendCurrentWeek(code: string, now = new Date()): Promise<number> {
    const location = await this.locations.get(SYSTEM_ACTOR, code);
    const staff = (await this.users.list()).filter((u) => u.active && u.role === 'dealer');
    const queued = await this.sendForLocation(location, currentWeekMonday(now, location.timezone), staff, now);
    if (queued > 0) this.outbox.kick();
    return queued;
  }

  /** Digests for a location on or off (an admin or marketer, or the location's dealer). */
  async setEnabled(actor: Actor, code: string, enabled: boolean): Promise<void> {
    const location = await this.locations.get(actor, code);
    await this.repo.setDigestEnabled(location.id, enabled);
    await this.audit.record(actor, { action: enabled ? 'digest.enable' : 'digest.disable', subjectType: 'location', subjectId: location.id });
  }

  async isEnabled(locationId: string): Promise<boolean> {
    return !(await this.repo.digestDisabledLocationIds()).has(locationId);
  }

  /** `/digest/unsubscribe?t=…`: the address, and an HMAC over it that only this server can make. */
  unsubscribeUrl(email: string): string {
    return `${this.config.publicUrl}/digest/unsubscribe?t=${encodeURIComponent(this.token(email))}`;
  }

  token(email: string): string {
    const address = email.trim().toLowerCase();
    return `${Buffer.from(address).toString('base64url')}.${this.mac(address)}`;
  }

  /** The address a token was made for, or null for anything else. */
  emailOf(token: string | undefined): string | null {
    const [encoded, mac] = (token ?? '').split('.');
    if (!encoded || !mac || mac.length > 64) return null;
    const email = Buffer.from(encoded, 'base64url').toString('utf8');
    const expected = Buffer.from(this.mac(email));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given) ? email : null;
  }

  async unsubscribe(token: string | undefined): Promise<boolean> {
    const email = this.emailOf(token);
    if (!email) return false;
    await this.repo.optOut(email);
    return true;
  }

  private mac(email: string): string {
    return createHmac('sha256', this.config.hashKey).update(`digest-unsubscribe:${email}`).digest('base64url').slice(0, 32);
  }
}

function digestSubject(location: Location, week: LocationWeek): string {
  const focus = week.focus.label ? `: focus on ${week.focus.label.toLowerCase()}` : '';
  return `Your week at ${location.name}${focus}`;
}

/** Template context: plain values only (job data is JSON). */
export function digestContext(week: LocationWeek, pageUrl: string) {
  const change = week.reach.change;
  return {
    locationName: week.location.name,
    pageUrl,
    reach: week.reach,
    reachChange: change === null ? null : `${change >= 0 ? '+' : ''}${Math.round(change * 100)}%`,
    focus: week.focus.theme ? { label: week.focus.label, mentions: week.focus.mentions, quotes: week.focus.quotes, trend: week.focus.trend.map((t) => t.mentions).join(' · ') } : null,
    otherMentions: week.otherMentions.map((m) => m.phrase),
    kudos: week.kudosBoard[0].entries.slice(0, 5).map((k) => ({ firstName: k.firstName, count: k.count, from: k.from.join(', ') })),
    advocates: week.advocates.slice(0, 5).map((a) => ({ name: a.name, line: a.line })),
    openAlerts: week.openAlerts.count,
  };
}
