import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Dialect, dialectOf } from '../database/sql';

/** The hash a chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);
const SEAL_BATCH = 2000;
const SEAL_EVERY_MS = 5000;
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

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.seal()
        .catch((error: Error) => this.logger.warn(`audit sealing failed, will retry: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, SEAL_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Seals every committed unsealed row; returns how many. */
  async seal(): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.dataSource.transaction((manager) => this.sealBatch(manager));
      total += sealed;
      if (sealed < SEAL_BATCH) return total;
    }
  }

  private async sealBatch(manager: EntityManager): Promise<number> {
    const dialect = dialectOf(manager);
    if (dialect === 'postgres') {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(${SEAL_LOCK_KEY}) AS locked`);
      if (!locked) return 0;
    }
    const rows: RawAuditRow[] = await manager.query(
      `SELECT ${selectColumns(dialect)} FROM audit_event WHERE seq IS NULL ORDER BY created_at, id LIMIT ${SEAL_BATCH}`,
    );
    if (rows.length === 0) return 0;
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
         FROM json_to_recordset($1::json) AS t(id uuid, seq bigint, prev_hash text, hash text) WHERE a.id = t.id`,
        [JSON.stringify(seals)],
      );
    } else {
      for (const s of seals) {
        await manager.query(`UPDATE audit_event SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?`, [s.seq, s.prev_hash, s.hash, s.id]);
      }
    }
    return seals.length;
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

export function chainHash(prev: string, seq: number, row: RawAuditRow): string {
  const details = typeof row.details === 'string' ? parseJson(row.details) : row.details;
  const content = JSON.stringify([seq, row.id, String(row.created_at), row.actor_type, row.actor_id, row.action, row.subject_type, row.subject_id, canonical(details ?? null)]);
  return createHash('sha256').update(prev).update(content).digest('hex');
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
