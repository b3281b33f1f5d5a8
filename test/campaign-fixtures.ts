import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { Customer } from '../src/customers/customer.entity';
import { FeedbackResponse } from '../src/feedback/feedback-response.entity';
import { Location } from '../src/locations/location.entity';
import { LocationsService } from '../src/locations/locations.service';
import { UsersService } from '../src/users/users.service';

/**
 * Shared set-up for the campaign, invitation and preference e2e tests. Customers are written straight
 * into the customers and feedback tables (as the feedback import leaves them), so each test controls
 * every eligibility fact exactly.
 */

export const DAY = 24 * 60 * 60 * 1000;
export const PASSWORD = 'campaign-tests-password-1';
export const setup = cliActor('test');

export interface CustomerSeed {
  /** Null: a response that came without an address. */
  email: string | null;
  name?: string | null;
  score: number;
  consent: boolean;
  location: Location;
  /** Days since the latest response (default 3). */
  daysAgo?: number;
  comment?: string | null;
}

let seq = 1;

/** Inserts customers and their latest response; returns their ids in order. */
export async function seedCustomers(dataSource: DataSource, seeds: CustomerSeed[]): Promise<string[]> {
  const now = Date.now();
  const customers: Partial<Customer>[] = [];
  const responses: Partial<FeedbackResponse>[] = [];
  for (const s of seeds) {
    const id = randomUUID();
    const responseId = randomUUID();
    const respondedAt = new Date(now - (s.daysAgo ?? 3) * DAY);
    const segment = s.score >= 9 ? 'promoter' : s.score >= 7 ? 'passive' : 'detractor';
    customers.push({
      id,
      email: s.email?.toLowerCase() ?? null,
      name: s.name === undefined ? 'Test Customer' : s.name,
      phone: null,
      marketingConsent: s.consent,
      consentUpdatedAt: s.consent ? respondedAt : null,
      consentResponseId: s.consent ? responseId : null,
      latestResponseId: responseId,
      latestScore: s.score,
      latestSegment: segment,
      latestLocationId: s.location.id,
      latestRespondedAt: respondedAt,
    });
    responses.push({
      id: responseId,
      responseId: `R-${seq++}-${randomUUID().slice(0, 8)}`,
      customerId: id,
      locationId: s.location.id,
      score: s.score,
      segment,
      comment: s.comment ?? null,
      name: null,
      phone: null,
      respondedAt,
      visitedAt: null,
      marketingConsent: s.consent,
      importSeq: String(seq),
    });
  }
  const ids = customers.map((c) => c.id!);
  // updateEntity(false): TypeORM's multi-row insert on SQLite writes generated values back onto the wrong objects.
  for (let i = 0; i < customers.length; i += 200) {
    await dataSource.createQueryBuilder().insert().into(Customer).values(customers.slice(i, i + 200)).updateEntity(false).execute();
    await dataSource.createQueryBuilder().insert().into(FeedbackResponse).values(responses.slice(i, i + 200)).updateEntity(false).execute();
  }
  return ids;
}

export async function seedLocation(app: NestFastifyApplication, code: string, name: string, timezone = 'UTC'): Promise<Location> {
  return app.get(LocationsService).create(setup, { code, name, timezone });
}

/** A staff user of `role` and the bearer header to act as them. */
export async function staffHeader(app: NestFastifyApplication, role: 'admin' | 'marketer' | 'dealer', locationCodes?: string[]) {
  const email = `${role}-${randomUUID().slice(0, 6)}@staff.example.com`;
  await app.get(UsersService).create(setup, { email, role, password: PASSWORD, locationCodes });
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return { email, headers: { authorization: `Bearer ${res.json().accessToken}` } };
}

export async function waitFor<T>(probe: () => Promise<T> | T, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until every email handed to the SMTP server is recorded as sent: an invitation link is stored
 * only then (a few milliseconds after the server accepted the email), so follow links after this.
 */
export async function sendsRecorded(dataSource: DataSource): Promise<void> {
  await waitFor(
    async () => Number((await dataSource.query('SELECT count(*) AS n FROM invitation WHERE lease_until IS NOT NULL'))[0].n) === 0,
    'sent emails recorded',
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first link in a text that starts with `${base}/prefix/`. */
export function linkIn(text: string, prefix: string): string {
  const match = new RegExp(`https?://[^\\s"<>]+/${prefix}/[A-Za-z0-9_-]{43}(/unsubscribe)?`).exec(text);
  if (!match) throw new Error(`no /${prefix}/ link in:\n${text}`);
  return match[0];
}

/** The path part of an absolute link. */
export const pathOf = (url: string) => new URL(url).pathname;

/** Campaign defaults for tests: every location, all day, every channel. */
export const ALL_DAY = { from: 0, to: 24 };

/** A header as sent (unfolded), from the raw message: mailparser reshapes List-* headers. */
export function rawHeader(raw: Buffer, name: string): string | undefined {
  const head = raw.toString('utf8').split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
