import { uuid7 } from './uuid7';
import { EntityManager } from 'typeorm';
import { AuditEntry } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { chunks, dbTime, dialectOf, sqliteChunkSize, sqliteRows } from './sql';

/**
 * Writes many audit events in one statement per chunk, in the caller's transaction: an import can
 * change the consent of thousands of customers per batch, and one INSERT per event would be the
 * slowest part of it. Same rows as AuditService.record (ids and counts only, never personal data).
 * TODO(lead): belongs in AuditService as `recordMany` — it writes the audit module's table.
 */
export async function recordAuditBatch(manager: EntityManager, actor: Actor, entries: AuditEntry[], at = new Date()): Promise<void> {
  if (entries.length === 0) return;
  const dialect = dialectOf(manager);
  if (dialect === 'postgres') {
    await manager.query(
      `INSERT INTO audit_event (id, created_at, actor_type, actor_id, action, subject_type, subject_id, details)
       SELECT t.id, $2, $3, $4, t.action, t.subject_type, t.subject_id, t.details
       FROM json_to_recordset($1::json) AS t(id uuid, action text, subject_type text, subject_id text, details jsonb)`,
      [
        JSON.stringify(
          entries.map((e) => ({
            id: uuid7(),
            action: e.action,
            subject_type: e.subjectType ?? null,
            subject_id: e.subjectId ?? null,
            details: e.details ?? null,
          })),
        ),
        at.toISOString(),
        actor.type,
        actor.id,
      ],
    );
    return;
  }
  const columns = 8;
  for (const chunk of chunks(entries, sqliteChunkSize(columns))) {
    const values = chunk.flatMap((e) => [
      uuid7(),
      dbTime('sqlite', at),
      actor.type,
      actor.id,
      e.action,
      e.subjectType ?? null,
      e.subjectId ?? null,
      e.details ? JSON.stringify(e.details) : null,
    ]);
    await manager.query(
      `INSERT INTO audit_event (id, created_at, actor_type, actor_id, action, subject_type, subject_id, details) VALUES ${sqliteRows(chunk.length, columns)}`,
      values,
    );
  }
}
