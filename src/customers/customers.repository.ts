import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, LessThan, Like, Not } from 'typeorm';
import { Customer } from './customer.entity';
import { chunks, dbTime, Dialect, dialectOf, JsonRows, readBool, readNullableNumber, readTime, returnedRows, rowsAmong, sqliteChunkSize, sqliteRows } from '../database/sql';
import { LatestResponse } from './latest-response';

/** Everything the import keeps in step on a customer row. */
export interface CustomerState {
  id: string;
  /** Null for a response that came without an email (never invited). */
  email: string | null;
  name: string | null;
  phone: string | null;
  marketingConsent: boolean;
  consentUpdatedAt: Date | null;
  consentResponseId: string | null;
  latestResponseId: string | null;
  latestScore: number | null;
  latestSegment: Customer['latestSegment'];
  latestLocationId: string | null;
  latestRespondedAt: Date | null;
  /** The latest response's import order: breaks a tie on `latestRespondedAt`. */
  latestImportSeq: number | null;
}

const STATE_COLUMNS = `id, email, name, phone, marketing_consent, consent_updated_at, consent_response_id,
  latest_response_id, latest_score, latest_segment, latest_location_id, latest_responded_at, latest_import_seq`;

/** A customer row as PostgreSQL batch writes read it (`stateRecord`). */
const STATE_ROWS = new JsonRows(`id uuid, email text, name text, phone text, marketing_consent boolean, consent_updated_at timestamptz,
  consent_response_id uuid, latest_response_id uuid, latest_score smallint, latest_segment text, latest_location_id uuid,
  latest_responded_at timestamptz, latest_import_seq bigint`);

/** A response offered as a customer's latest (`offerLatest`). */
const OFFER_ROWS = new JsonRows(`id uuid, response_id uuid, score smallint, segment text, location_id uuid, responded_at timestamptz,
  consent boolean, name text, phone text, import_seq bigint`);

/** A state as a JSON object keyed by column (dates serialise as ISO 8601). */
function stateRecord(s: CustomerState): Record<string, unknown> {
  return {
    id: s.id,
    email: s.email,
    name: s.name,
    phone: s.phone,
    marketing_consent: s.marketingConsent,
    consent_updated_at: s.consentUpdatedAt,
    consent_response_id: s.consentResponseId,
    latest_response_id: s.latestResponseId,
    latest_score: s.latestScore,
    latest_segment: s.latestSegment,
    latest_location_id: s.latestLocationId,
    latest_responded_at: s.latestRespondedAt,
    latest_import_seq: s.latestImportSeq,
  };
}

function toState(row: Record<string, unknown>): CustomerState {
  return {
    id: row.id as string,
    email: (row.email as string | null) ?? null,
    name: (row.name as string | null) ?? null,
    phone: (row.phone as string | null) ?? null,
    marketingConsent: readBool(row.marketing_consent),
    consentUpdatedAt: readTime(row.consent_updated_at),
    consentResponseId: (row.consent_response_id as string | null) ?? null,
    latestResponseId: (row.latest_response_id as string | null) ?? null,
    latestScore: readNullableNumber(row.latest_score),
    latestSegment: (row.latest_segment as CustomerState['latestSegment']) ?? null,
    latestLocationId: (row.latest_location_id as string | null) ?? null,
    latestRespondedAt: readTime(row.latest_responded_at),
    latestImportSeq: readNullableNumber(row.latest_import_seq),
  };
}

/** The values of a state in column order (after id), for inserts and updates. */
function stateValues(dialect: Dialect, s: CustomerState): unknown[] {
  return [
    s.name,
    s.phone,
    s.marketingConsent,
    dbTime(dialect, s.consentUpdatedAt),
    s.consentResponseId,
    s.latestResponseId,
    s.latestScore,
    s.latestSegment,
    s.latestLocationId,
    dbTime(dialect, s.latestRespondedAt),
    s.latestImportSeq,
  ];
}

/** Customers table access. Batch methods take the caller's transaction manager. */
@Injectable()
export class CustomersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async idsInactiveSince(cutoff: Date, erasedPattern: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource.manager.find(Customer, {
      select: { id: true },
      // Customers without an address too (NOT LIKE alone would skip them: NULL never matches).
      where: [
        { latestRespondedAt: LessThan(cutoff), email: IsNull() },
        { latestRespondedAt: LessThan(cutoff), email: Not(Like(erasedPattern)) },
      ],
      take: limit,
    });
    return rows.map((row) => row.id);
  }

  /** Ids of the customers with these (normalised) emails. */
  async findIdsByEmails(emails: string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, string>> {
    const rows = await rowsAmong<{ id: string; email: string }>(manager, emails, 'email', (among) => `SELECT id, email FROM customer WHERE ${among}`);
    return new Map(rows.map((row) => [row.email, row.id]));
  }

  /**
   * Current state of these customers; on PostgreSQL the rows stay locked until the transaction ends (in id order: no
   * deadlocks). FOR NO KEY UPDATE, the lock an UPDATE of these columns takes: it doesn't wait for a concurrent batch
   * that only inserted a response referring to the customer (its foreign key check holds KEY SHARE).
   */
  async lockStates(ids: string[], manager: EntityManager): Promise<CustomerState[]> {
    const rows = await rowsAmong(
      manager,
      ids,
      'id',
      (among, dialect) => `SELECT ${STATE_COLUMNS} FROM customer WHERE ${among}${dialect === 'postgres' ? ' ORDER BY id FOR NO KEY UPDATE' : ''}`,
      { type: 'uuid' },
    );
    return rows.map(toState);
  }

  async findByIds(ids: string[], manager: EntityManager = this.dataSource.manager): Promise<CustomerState[]> {
    const rows = await rowsAmong(manager, ids, 'id', (among) => `SELECT ${STATE_COLUMNS} FROM customer WHERE ${among}`, { type: 'uuid' });
    return rows.map(toState);
  }

  /**
   * Inserts new customers; an email another transaction inserted meanwhile is skipped (ON CONFLICT DO
   * NOTHING). Returns the ids actually inserted.
   */
  async insertMany(rows: CustomerState[], now: Date, manager: EntityManager): Promise<Set<string>> {
    const inserted = new Set<string>();
    if (rows.length === 0) return inserted;
    const dialect = dialectOf(manager);
    if (dialect === 'postgres') {
      const result: { id: string }[] = await manager.query(
        `INSERT INTO customer (id, email, name, phone, marketing_consent, consent_updated_at, consent_response_id,
           latest_response_id, latest_score, latest_segment, latest_location_id, latest_responded_at, latest_import_seq, created_at, updated_at)
         SELECT t.*, $2::timestamptz, $2::timestamptz
         FROM ${STATE_ROWS.table('$1', 't')}
         ORDER BY t.email
         ON CONFLICT (email) DO NOTHING
         RETURNING id`,
        [STATE_ROWS.json(rows.map(stateRecord)), now.toISOString()],
      );
      for (const row of result) inserted.add(row.id);
      return inserted;
    }
    const columns = 15;
    const stamp = dbTime(dialect, now);
    for (const chunk of chunks(rows, sqliteChunkSize(columns))) {
      const result: { id: string }[] = await manager.query(
        `INSERT INTO customer (id, email, name, phone, marketing_consent, consent_updated_at, consent_response_id,
           latest_response_id, latest_score, latest_segment, latest_location_id, latest_responded_at, latest_import_seq, created_at, updated_at)
         VALUES ${sqliteRows(chunk.length, columns)}
         ON CONFLICT (email) DO NOTHING
         RETURNING id`,
        chunk.flatMap((r) => [r.id, r.email, ...stateValues(dialect, r), stamp, stamp]),
      );
      for (const row of result) inserted.add(row.id);
    }
    return inserted;
  }

  /** Writes the given states over the stored ones (all columns but email). */
  async updateMany(rows: CustomerState[], now: Date, manager: EntityManager): Promise<void> {
    if (rows.length === 0) return;
    const dialect = dialectOf(manager);
    const set = `name = t.name, phone = t.phone, marketing_consent = t.marketing_consent, consent_updated_at = t.consent_updated_at,
      consent_response_id = t.consent_response_id, latest_response_id = t.latest_response_id, latest_score = t.latest_score,
      latest_segment = t.latest_segment, latest_location_id = t.latest_location_id, latest_responded_at = t.latest_responded_at,
      latest_import_seq = t.latest_import_seq`;
    const names = `id, name, phone, marketing_consent, consent_updated_at, consent_response_id, latest_response_id, latest_score,
      latest_segment, latest_location_id, latest_responded_at, latest_import_seq`;
    if (dialect === 'postgres') {
      await manager.query(
        `UPDATE customer c SET ${set}, updated_at = $2
         FROM ${STATE_ROWS.table('$1', 't')}
         WHERE c.id = t.id`,
        [STATE_ROWS.json(rows.map(stateRecord)), now.toISOString()],
      );
      return;
    }
    const columns = 12;
    for (const chunk of chunks(rows, sqliteChunkSize(columns))) {
      await manager.query(
        `WITH t(${names}) AS (VALUES ${sqliteRows(chunk.length, columns)})
         UPDATE customer SET ${set}, updated_at = ? FROM t WHERE customer.id = t.id`,
        [...chunk.flatMap((r) => [r.id, ...stateValues(dialect, r)]), dbTime(dialect, now)],
      );
    }
  }

  /**
   * Offers each customer a new latest response: applied only where it is not older than the current
   * latest (in the same statement, so concurrent imports can't apply an older one over a newer one).
   * Name and phone are kept when the response has none; consent follows the response's answer (none =
   * no). Returns the customers whose consent changed, with the new value.
   */
  async offerLatest(
    offers: { customerId: string; latest: LatestResponse }[],
    now: Date,
    manager: EntityManager,
  ): Promise<{ id: string; marketingConsent: boolean; consentResponseId: string | null }[]> {
    if (offers.length === 0) return [];
    const dialect = dialectOf(manager);
    const set = `name = COALESCE(t.name, customer.name), phone = COALESCE(t.phone, customer.phone),
      marketing_consent = t.consent,
      consent_updated_at = CASE WHEN customer.marketing_consent <> t.consent THEN t.now ELSE customer.consent_updated_at END,
      consent_response_id = CASE WHEN customer.marketing_consent <> t.consent THEN t.response_id ELSE customer.consent_response_id END,
      latest_response_id = t.response_id, latest_score = t.score, latest_segment = t.segment, latest_location_id = t.location_id,
      latest_responded_at = t.responded_at, latest_import_seq = t.import_seq, updated_at = t.now`;
    // Later by time, then by import order, as `latestFor` orders: checked against the row as locked, so batches that
    // share customers may commit in any order and agree.
    const where = `customer.id = t.id AND (customer.latest_responded_at IS NULL OR t.responded_at > customer.latest_responded_at
      OR (t.responded_at = customer.latest_responded_at AND t.import_seq > COALESCE(customer.latest_import_seq, -1)))`;
    // SQLite's RETURNING sees only the updated table: the batch time comes in as a parameter there.
    const returning = (now: string) =>
      `RETURNING customer.id, customer.marketing_consent, customer.consent_response_id, customer.consent_updated_at = ${now} AS changed`;
    const values = offers.map(({ customerId, latest }) => ({
      id: customerId,
      response_id: latest.id,
      score: latest.score,
      segment: latest.segment,
      location_id: latest.locationId,
      responded_at: dbTime(dialect, latest.respondedAt),
      consent: latest.marketingConsent === true,
      name: latest.name,
      phone: latest.phone,
      import_seq: latest.importSeq,
    }));
    const changed: { id: string; marketingConsent: boolean; consentResponseId: string | null }[] = [];
    type Row = { id: string; marketing_consent: unknown; consent_response_id: string | null; changed: unknown };
    const collect = (result: unknown) => {
      for (const row of returnedRows<Row>(result)) {
        if (readBool(row.changed)) changed.push({ id: row.id, marketingConsent: readBool(row.marketing_consent), consentResponseId: row.consent_response_id });
      }
    };
    if (dialect === 'postgres') {
      // Locks in id order, so two imports touching the same customers can't deadlock.
      collect(
        await manager.query(
          `UPDATE customer SET ${set}
           FROM (SELECT j.*, $2::timestamptz AS now FROM ${OFFER_ROWS.table('$1', 'j')} ORDER BY j.id) AS t
           WHERE ${where} ${returning('t.now')}`,
          [OFFER_ROWS.json(values), now.toISOString()],
        ),
      );
      return changed;
    }
    const columns = 11;
    const names = 'id, response_id, score, segment, location_id, responded_at, consent, name, phone, import_seq, now';
    for (const chunk of chunks(values, sqliteChunkSize(columns))) {
      collect(
        await manager.query(
          `WITH t(${names}) AS (VALUES ${sqliteRows(chunk.length, columns)})
           UPDATE customer SET ${set} FROM t WHERE ${where} ${returning('?')}`,
          [
            ...chunk.flatMap((v) => [v.id, v.response_id, v.score, v.segment, v.location_id, v.responded_at, v.consent, v.name, v.phone, v.import_seq, dbTime(dialect, now)]),
            dbTime(dialect, now),
          ],
        ),
      );
    }
    return changed;
  }
}
