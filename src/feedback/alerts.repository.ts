import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { chunks, dbTime, dialectOf, JsonRows, sqliteChunkSize, sqliteRows } from '../database/sql';
import { AlertStatus, DetractorAlert } from './detractor-alert.entity';

/** New alerts as the PostgreSQL batch insert reads them (`NewAlert`). */
const ALERT_ROWS = new JsonRows('id uuid, "responseId" uuid, "locationId" uuid, notified boolean');

export interface NewAlert {
  id: string;
  /** feedback_response id */
  responseId: string;
  locationId: string;
  notified: boolean;
}

export interface AlertFilter {
  status?: AlertStatus;
  /** Undefined: every location. */
  locationIds?: string[];
  /** By the date the alert was raised; newest first unless asked otherwise. */
  order?: 'newest' | 'oldest';
}

@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts alerts; one that already exists for the response is skipped (unique on response), so a
   * re-import or a concurrent import never raises a second. Returns the ids inserted, by response id.
   */
  async insertMany(alerts: NewAlert[], now: Date, manager: EntityManager): Promise<Map<string, string>> {
    const inserted = new Map<string, string>();
    if (alerts.length === 0) return inserted;
    const dialect = dialectOf(manager);
    const columns = 7;
    for (const chunk of chunks(alerts, dialect === 'postgres' ? 5000 : sqliteChunkSize(columns))) {
      const rows: { id: string; response_id: string }[] =
        dialect === 'postgres'
          ? await manager.query(
              `INSERT INTO detractor_alert (id, response_id, location_id, status, notified, created_at, updated_at)
               SELECT t.id, t."responseId", t."locationId", 'open', t.notified, $2::timestamptz, $2::timestamptz
               FROM ${ALERT_ROWS.table('$1', 't')}
               ON CONFLICT (response_id) DO NOTHING
               RETURNING id, response_id`,
              [ALERT_ROWS.json(chunk), now.toISOString()],
            )
          : await manager.query(
              `INSERT INTO detractor_alert (id, response_id, location_id, status, notified, created_at, updated_at)
               VALUES ${sqliteRows(chunk.length, columns)}
               ON CONFLICT (response_id) DO NOTHING
               RETURNING id, response_id`,
              chunk.flatMap((a) => [a.id, a.responseId, a.locationId, 'open', a.notified, dbTime(dialect, now), dbTime(dialect, now)]),
            );
      for (const row of rows) inserted.set(row.response_id, row.id);
    }
    return inserted;
  }

  findById(id: string): Promise<DetractorAlert | null> {
    return this.dataSource.getRepository(DetractorAlert).findOneBy({ id });
  }

  /** Newest first, or oldest first (what waits longest). */
  list(filter: AlertFilter, limit: number, offset: number): Promise<DetractorAlert[]> {
    const direction = filter.order === 'oldest' ? 'ASC' : 'DESC';
    const query = this.dataSource.getRepository(DetractorAlert).createQueryBuilder('a').orderBy('a.createdAt', direction).addOrderBy('a.id', direction);
    if (filter.status) query.andWhere('a.status = :status', { status: filter.status });
    if (filter.locationIds) {
      if (filter.locationIds.length === 0) return Promise.resolve([]);
      query.andWhere('a.locationId IN (:...locationIds)', { locationIds: filter.locationIds });
    }
    return query.take(limit).skip(offset).getMany();
  }

  /** Marks an open alert resolved; false if it was not open (resolved meanwhile). */
  async resolve(id: string, by: string | null, note: string, now: Date, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(DetractorAlert)
      .set({ status: 'resolved', resolvedAt: now, resolvedBy: by, resolutionNote: note })
      .where('id = :id AND status = :open', { id, open: 'open' })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.manager.transaction(work);
  }
}
