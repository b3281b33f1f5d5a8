import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { chunks, dbTime, Dialect, dialectOf, JsonRows, sqliteChunkSize, sqliteRows } from '../database/sql';
import { AuditEvent } from './audit-event.entity';

/** An audit event's columns as PostgreSQL batch writes read them (`NewAuditRow`): unsealed, then the seal's. */
export const AUDIT_EVENT_COLUMNS = 'id uuid, "createdAt" timestamptz, "actorType" text, "actorId" text, action text, "subjectType" text, "subjectId" text, details jsonb';
const SEAL_COLUMNS = 'seq bigint, prev_hash text, hash text';
const SEAL_ROWS = new JsonRows(`id uuid, ${SEAL_COLUMNS}`);
const SEALED_EVENT_ROWS = new JsonRows(`${AUDIT_EVENT_COLUMNS}, ${SEAL_COLUMNS}`);

/** The hash a chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);
const SEAL_BATCH = 2000;
const SEAL_EVERY_MS = 5000;
/** How often the timer's sealing starts from the oldest unsealed row rather than where it left off (rows that commit late). */
const RESCAN_EVERY_MS = 60_000;
/** pg_advisory_xact_lock key: one sealer at a time across processes. */
const SEAL_LOCK_KEY = 7_265_001;

interface RawAuditRow {
  id: string;
  seq: string | number | null;
  prev_hash: string | null;
  hash: string | null;
  created_at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  details: unknown;
}

/** A row written already sealed (`appendSealed`). */
export type NewAuditRow = Pick<AuditEvent, 'id' | 'createdAt' | 'actorType' | 'actorId' | 'action' | 'subjectType' | 'subjectId' | 'details'>;

/** Where a sealing call has got to: the last row it sealed, by `created_at` as selected and id. */
interface SealCursor {
  createdAt: string;
  id: string;
}

export type ChainReport =
  | { ok: true; rows: number; unsealed: number; headHash: string }
  | { ok: false; rows: number; seq: number; id: string | null; problem: string };

/**
 * Tamper evidence for the audit log. Rows are written unsealed in the writer's own transaction (no lock on the
 * hot path, so an approval never waits for an import's audit rows); a sealer then gives every committed row the
 * next `seq`, the previous row's hash and `hash = SHA-256(prev_hash + canonical content)`, one sealer at a time.
 * The database lets an UPDATE set only those three columns, once; everything else stays append-only.
 * `audit:verify` walks the chain and names the first row that doesn't fit (altered, removed or re-ordered).
 */
@Injectable()
export class AuditChain implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AuditChain.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  /** Where the timer's sealing left off, and when it last started from the oldest unsealed row. */
  private resumeAt?: SealCursor;
  private rescannedAt = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.seal(true)
        .catch((error: Error) => this.logger.warn(`audit sealing failed, will retry: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, SEAL_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Seals every committed unsealed row; returns how many. Each batch reads on from the last row sealed: sealed
   * rows stay in the partial index as dead entries until VACUUM reaches them, and reading from its start each
   * time stepped over all of them (during a 1M-row import: ~100 ms a batch). `resume` (the timer) also starts
   * where the previous call left off, from the oldest unsealed row once a minute: a row that commits late with
   * an earlier time is sealed within a minute. Explicit calls (the audit page, `audit:verify`) start from the oldest.
   */
  async seal(resume = false): Promise<number> {
    const now = Date.now();
    const fromOldest = !resume || now - this.rescannedAt >= RESCAN_EVERY_MS;
    if (fromOldest && resume) this.rescannedAt = now;
    let after = fromOldest ? undefined : this.resumeAt;
    let total = 0;
    for (;;) {
      const { sealed, last } = await this.dataSource.transaction((manager) => this.sealBatch(manager, after));
      total += sealed;
      after = last ?? after;
      if (resume) this.resumeAt = after;
      if (sealed < SEAL_BATCH) return total;
    }
  }

  private async sealBatch(manager: EntityManager, after?: SealCursor): Promise<{ sealed: number; last?: SealCursor }> {
    const dialect = dialectOf(manager);
    if (dialect === 'postgres') {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(${SEAL_LOCK_KEY}) AS locked`);
      if (!locked) return { sealed: 0 };
    }
    // created_at is selected as text (microseconds on PostgreSQL): order by the column itself, which the index holds.
    const from =
      after === undefined
        ? ''
        : dialect === 'postgres'
          ? `AND (audit_event.created_at, audit_event.id) > (timestamptz 'epoch' + $1::bigint * interval '1 microsecond', $2::uuid)`
          : `AND (audit_event.created_at, audit_event.id) > (?, ?)`;
    const rows: RawAuditRow[] = await manager.query(
      `SELECT ${selectColumns(dialect)} FROM audit_event WHERE seq IS NULL ${from}
        ORDER BY audit_event.created_at, audit_event.id LIMIT ${SEAL_BATCH}`,
      after === undefined ? [] : [after.createdAt, after.id],
    );
    if (rows.length === 0) return { sealed: 0 };
    const [head] = await manager.query(`SELECT seq, hash FROM audit_event WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`);
    let seq = head ? Number(head.seq) : 0;
    let prev: string = head?.hash ?? GENESIS_HASH;
    const seals = rows.map((row) => {
      seq += 1;
      const hash = chainHash(prev, seq, row);
      const seal = { id: row.id, seq, prev_hash: prev, hash };
      prev = hash;
      return seal;
    });
    if (dialect === 'postgres') {
      await manager.query(
        `UPDATE audit_event a SET seq = t.seq, prev_hash = t.prev_hash, hash = t.hash
         FROM ${SEAL_ROWS.table('$1', 't')} WHERE a.id = t.id`,
        [SEAL_ROWS.json(seals)],
      );
    } else {
      for (const s of seals) {
        await manager.query(`UPDATE audit_event SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?`, [s.seq, s.prev_hash, s.hash, s.id]);
      }
    }
    const last = rows[rows.length - 1];
    return { sealed: seals.length, last: { createdAt: String(last.created_at), id: last.id } };
  }

  /**
   * Writes new rows already sealed, after the chain's head: for batch writers (imports, the webhook), whose
   * thousands of consent rows would otherwise each be written twice (inserted, then updated by the sealer,
   * every index entry again). Takes the sealer's lock, which is held until the caller's transaction ends: call
   * it as the transaction's last statement, so other writers wait only for the insert and the commit.
   */
  async appendSealed(manager: EntityManager, rows: NewAuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    const dialect = dialectOf(manager);
    // Everything but the chain links is worked out before the lock: other batches wait on it only for the hashing.
    const prepared = rows.map((row) => {
      // Hashed as the database gives the row back: created_at in its text form, details through JSON.
      const details = asStored(row.details);
      const body = contentBody({
        id: row.id,
        created_at: dialect === 'postgres' ? String(row.createdAt.getTime() * 1000) : dbTime(dialect, row.createdAt),
        actor_type: row.actorType,
        actor_id: row.actorId,
        action: row.action,
        subject_type: row.subjectType,
        subject_id: row.subjectId,
        details,
      });
      return { row, details, body };
    });
    if (dialect === 'postgres') await manager.query(`SELECT pg_advisory_xact_lock(${SEAL_LOCK_KEY})`);
    const [head] = await manager.query(`SELECT seq, hash FROM audit_event WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`);
    let seq = head ? Number(head.seq) : 0;
    let prev: string = head?.hash ?? GENESIS_HASH;
    const sealed = prepared.map(({ row, details, body }) => {
      seq += 1;
      const hash = linkHash(prev, seq, body);
      const seal = { ...row, details, seq, prev_hash: prev, hash };
      prev = hash;
      return seal;
    });
    if (dialect === 'postgres') {
      await manager.query(
        `INSERT INTO audit_event (id, created_at, actor_type, actor_id, action, subject_type, subject_id, details, seq, prev_hash, hash)
         SELECT * FROM ${SEALED_EVENT_ROWS.table('$1', 't')}`,
        [SEALED_EVENT_ROWS.json(sealed)],
      );
      return;
    }
    const columns = 11;
    for (const chunk of chunks(sealed, sqliteChunkSize(columns))) {
      await manager.query(
        `INSERT INTO audit_event (id, created_at, actor_type, actor_id, action, subject_type, subject_id, details, seq, prev_hash, hash) VALUES ${sqliteRows(chunk.length, columns)}`,
        chunk.flatMap((r) => [
          r.id, dbTime(dialect, r.createdAt), r.actorType, r.actorId, r.action, r.subjectType, r.subjectId,
          r.details === null ? null : JSON.stringify(r.details), r.seq, r.prev_hash, r.hash,
        ]),
      );
    }
  }

  /** Walks the sealed chain in order; the first row that doesn't fit ends the walk. */
  async verify(): Promise<ChainReport> {
    const dialect = dialectOf(this.dataSource.manager);
    let expectedSeq = 1;
    let prev = GENESIS_HASH;
    let rows = 0;
    for (;;) {
      const page: RawAuditRow[] = await this.dataSource.query(
        `SELECT ${selectColumns(dialect)} FROM audit_event WHERE seq >= ${expectedSeq} ORDER BY seq LIMIT ${SEAL_BATCH}`,
      );
      for (const row of page) {
        const seq = Number(row.seq);
        const fail = (problem: string): ChainReport => ({ ok: false, rows, seq: expectedSeq, id: seq === expectedSeq ? row.id : null, problem });
        if (seq !== expectedSeq) return fail(`row ${expectedSeq} is missing (the next row is ${seq}): a row was removed`);
        if (row.prev_hash !== prev) return fail(`its previous-row hash does not match row ${seq - 1}: the chain was re-linked`);
        if (row.hash !== chainHash(prev, seq, row)) return fail('its content does not match its hash: the row was altered');
        prev = row.hash;
        expectedSeq += 1;
        rows += 1;
      }
      if (page.length < SEAL_BATCH) break;
    }
    const [{ count }] = await this.dataSource.query(`SELECT COUNT(*) AS count FROM audit_event WHERE seq IS NULL`);
    return { ok: true, rows, unsealed: Number(count), headHash: prev };
  }
}

/** created_at as the database holds it, to the microsecond on PostgreSQL (a Date would keep milliseconds). */
function selectColumns(dialect: Dialect): string {
  const createdAt = dialect === 'postgres' ? `(EXTRACT(EPOCH FROM created_at) * 1000000)::bigint::text` : 'created_at';
  return `id, seq, prev_hash, hash, ${createdAt} AS created_at, actor_type, actor_id, action, subject_type, subject_id, details`;
}

type HashedContent = Pick<RawAuditRow, 'id' | 'created_at' | 'actor_type' | 'actor_id' | 'action' | 'subject_type' | 'subject_id' | 'details'>;

export function chainHash(prev: string, seq: number, row: HashedContent): string {
  return linkHash(prev, seq, contentBody(row));
}

/**
 * The hashed content is `JSON.stringify([seq, id, created_at, actor_type, actor_id, action, subject_type, subject_id,
 * details])`; everything after the seq (from the first comma) is known before the row's place in the chain is.
 */
function contentBody(row: HashedContent): string {
  const details = typeof row.details === 'string' ? parseJson(row.details) : row.details;
  return JSON.stringify([row.id, String(row.created_at), row.actor_type, row.actor_id, row.action, row.subject_type, row.subject_id, canonical(details ?? null)]).slice(1);
}

function linkHash(prev: string, seq: number, body: string): string {
  return createHash('sha256').update(prev).update(`[${seq},${body}`).digest('hex');
}

/** Details as they come back from the database (through JSON); a flat object of plain values already is. */
function asStored(details: NewAuditRow['details']): NewAuditRow['details'] {
  if (details === null || details === undefined) return null;
  for (const value of Object.values(details)) {
    const plain = value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!plain) return JSON.parse(JSON.stringify(details));
  }
  return details;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Key order is not kept by jsonb: hash objects with sorted keys. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}
