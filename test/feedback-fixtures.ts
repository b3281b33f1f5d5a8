import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { cliActor } from '../src/common/actor';
import { readBool, readTime } from '../src/database/sql';
import { LocationsService } from '../src/locations/locations.service';
import { UsersService } from '../src/users/users.service';
import { TestApp } from './support/app';

/** Shared set-up and probes for the feedback, NPS and alert e2e tests. */

export const OWN = 'DLR-001';
export const OTHER = 'DLR-002';
export const MANAGER: Record<string, string> = { [OWN]: 'own.manager@example.com', [OTHER]: 'other.manager@example.com' };
export const PASSWORD = 'feedback-tests-password-1';

export const DAY = 24 * 60 * 60 * 1000;
/** An ISO timestamp `days` ago (UTC, whole seconds). */
export const daysAgo = (days: number, hour = 10) => {
  const d = new Date(Date.now() - days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString().replace('.000Z', 'Z');
};

export const HEADER = 'response_id,email,location_code,score,name,phone,comment,responded_at,visited_at,marketing_consent';

/** A CSV row from fields in HEADER order (quoted where needed). */
export function csvRow(...fields: (string | number | undefined)[]): string {
  return fields
    .map((f) => {
      const text = f === undefined ? '' : String(f);
      return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',');
}

export const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

export interface Staff {
  admin: Record<string, string>;
  marketer: Record<string, string>;
  dealer: Record<string, string>;
  apiKey: Record<string, string>;
}

/** Two locations with managers, one staff user per role (the dealer on OWN), an API key; bearer headers for each. */
export async function seedStaff(t: TestApp, options: { managers?: boolean } = {}): Promise<Staff> {
  const setup = cliActor('test');
  const locations = t.app.get(LocationsService);
  for (const code of [OWN, OTHER]) {
    await locations.create(setup, {
      code,
      name: code === OWN ? 'Downtown' : 'Riverside',
      managerEmail: options.managers === false ? undefined : MANAGER[code],
    });
  }
  const users = t.app.get(UsersService);
  const headers = {} as Staff;
  for (const role of ['admin', 'marketer', 'dealer'] as const) {
    const email = `${role}@staff.example.com`;
    await users.create(setup, { email, role, password: PASSWORD, locationCodes: role === 'dealer' ? [OWN] : undefined });
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${role}: ${res.statusCode} ${res.body}`);
    headers[role] = { authorization: `Bearer ${res.json().accessToken}` };
  }
  headers.apiKey = { 'x-api-key': (await t.app.get(ApiKeysService).create(setup, 'survey tool')).key };
  return headers;
}

/** A multipart/form-data body with one file part. */
export function multipart(content: string | Buffer, filename = 'feedback.csv', field = 'file') {
  const boundary = `----goodword${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, Buffer.isBuffer(content) ? content : Buffer.from(content), tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** Everything an import decides, without ids and timestamps of the write: equal snapshots = same result. */
export async function snapshot(db: DataSource) {
  const responses = await db.query(
    `SELECT r.response_id, c.email, l.code, r.score, r.segment, r.comment, r.name, r.phone, r.responded_at, r.visited_at, r.marketing_consent
     FROM feedback_response r JOIN customer c ON c.id = r.customer_id JOIN location l ON l.id = r.location_id ORDER BY r.response_id`,
  );
  const customers = await db.query(
    `SELECT c.email, c.name, c.phone, c.marketing_consent, c.latest_score, c.latest_segment, c.latest_responded_at,
            r.response_id AS latest, cr.response_id AS consent_source, l.code AS latest_location
     FROM customer c
     LEFT JOIN feedback_response r ON r.id = c.latest_response_id
     LEFT JOIN feedback_response cr ON cr.id = c.consent_response_id
     LEFT JOIN location l ON l.id = c.latest_location_id
     ORDER BY c.email`,
  );
  const alerts = await db.query(
    `SELECT r.response_id, a.status, a.notified FROM detractor_alert a JOIN feedback_response r ON r.id = a.response_id ORDER BY r.response_id`,
  );
  const norm = (row: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        /_at$/.test(k) ? readTime(v)?.toISOString() ?? null : /consent$|notified/.test(k) && k !== 'consent_source' ? readBool(v) : typeof v === 'string' && /score/.test(k) ? Number(v) : v,
      ]),
    );
  return { responses: responses.map(norm), customers: customers.map(norm), alerts: alerts.map(norm) };
}

/** Removes every feedback row (not the audit log), so another door can import into a clean state. */
export async function clearFeedback(db: DataSource): Promise<void> {
  for (const table of ['detractor_alert', 'feedback_response', 'customer', 'feedback_import_error', 'feedback_import', 'job_outbox']) {
    await db.query(`DELETE FROM ${table}`);
  }
}

export async function count(db: DataSource, sql: string): Promise<number> {
  const [row] = await db.query(sql);
  return Number(Object.values(row)[0]);
}
