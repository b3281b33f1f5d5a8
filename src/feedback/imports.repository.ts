import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { chunks, dbTime, dialectOf, JsonRows, sqliteChunkSize, sqliteRows } from '../database/sql';
import { FeedbackImport, FeedbackImportError, ImportStatus } from './feedback-import.entity';
import { currentOwner } from './import-owner';
import { ReasonCount, RejectionProblem, summariseRejections } from './rejection-summary';

/** Rejected rows as the PostgreSQL batch insert reads them (`RejectedRow`). */
const ERROR_ROWS = new JsonRows('line int, "responseId" text, reason text');

export interface ImportCounts {
  rows: number;
  accepted: number;
  rejected: number;
  created: number;
  updated: number;
  unchanged: number;
  alerts: number;
  undated: number;
}

export interface RejectedRow {
  line: number;
  responseId: string | null;
  reason: string;
}

/** feedback_import and its rejected rows. */
@Injectable()
export class ImportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  dialect() {
    return dialectOf(this.dataSource.manager);
  }

  async create(values: Pick<FeedbackImport, 'id' | 'source' | 'filename' | 'actorType' | 'actorId'>): Promise<FeedbackImport> {
    const now = new Date();
    const row = this.dataSource
      .getRepository(FeedbackImport)
      .create({ ...values, status: 'running', startedAt: now, heartbeatAt: now, owner: currentOwner() });
    await this.dataSource.getRepository(FeedbackImport).insert(row);
    return row;
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(FeedbackImport).existsBy({ id });
  }

  findById(id: string): Promise<FeedbackImport | null> {
    return this.dataSource.getRepository(FeedbackImport).findOneBy({ id });
  }

  recent(limit: number): Promise<FeedbackImport[]> {
    return this.dataSource.getRepository(FeedbackImport).find({ order: { createdAt: 'DESC' }, take: limit });
  }

  /** Adds one batch's counts, in the batch's transaction, so a poll never sees counts ahead of the data. */
  async addCounts(id: string, delta: ImportCounts, manager: EntityManager): Promise<void> {
    const columns: (keyof ImportCounts)[] = ['rows', 'accepted', 'rejected', 'created', 'updated', 'unchanged', 'alerts', 'undated'];
    const name = (c: keyof ImportCounts) => (c === 'rows' ? 'rows_total' : c);
    const pg = dialectOf(manager) === 'postgres';
    const set = columns.map((c, i) => `${name(c)} = ${name(c)} + ${pg ? `$${i + 1}` : '?'}`).join(', ');
    await manager.query(`UPDATE feedback_import SET ${set} WHERE id = ${pg ? `$${columns.length + 1}` : '?'}`, [
      ...columns.map((c) => delta[c]),
      id,
    ]);
  }

  async insertErrors(importId: string, errors: RejectedRow[], manager: EntityManager): Promise<void> {
    if (errors.length === 0) return;
    if (dialectOf(manager) === 'postgres') {
      await manager.query(
        `INSERT INTO feedback_import_error (import_id, line, response_id, reason)
         SELECT $1, t.line, t."responseId", t.reason FROM ${ERROR_ROWS.table('$2', 't')}
         ON CONFLICT DO NOTHING`,
        [importId, ERROR_ROWS.json(errors)],
      );
      return;
    }
    for (const chunk of chunks(errors, sqliteChunkSize(4))) {
      await manager.query(
        `INSERT INTO feedback_import_error (import_id, line, response_id, reason) VALUES ${sqliteRows(chunk.length, 4)} ON CONFLICT DO NOTHING`,
        chunk.flatMap((e) => [importId, e.line, e.responseId, e.reason]),
      );
    }
  }

  async finish(id: string, status: Extract<ImportStatus, 'done' | 'failed'>, error: string | null, notice: string | null = null): Promise<void> {
    const dialect = dialectOf(this.dataSource.manager);
    await this.dataSource.query(
      dialect === 'postgres'
        ? 'UPDATE feedback_import SET status = $1, error = $2, notice = $3, finished_at = $4 WHERE id = $5'
        : 'UPDATE feedback_import SET status = ?, error = ?, notice = ?, finished_at = ? WHERE id = ?',
      [status, error?.slice(0, 500) ?? null, notice?.slice(0, 500) ?? null, dbTime(dialect, new Date()), id],
    );
  }

  /** Tells sweepers in other processes that this import's process is alive. */
  async heartbeat(id: string): Promise<void> {
    await this.dataSource.getRepository(FeedbackImport).update({ id, status: 'running' }, { heartbeatAt: new Date() });
  }

  /** Imports that say they are still running, with what tells whether their process lives. */
  unfinished(): Promise<Pick<FeedbackImport, 'id' | 'owner' | 'heartbeatAt'>[]> {
    return this.dataSource.getRepository(FeedbackImport).find({
      select: { id: true, owner: true, heartbeatAt: true },
      where: [{ status: 'running' }, { status: 'queued' }],
    });
  }

  /** Marks them failed with `message`, unless they finished meanwhile. */
  async markInterrupted(ids: string[], message: string, now: Date): Promise<void> {
    await this.dataSource
      .getRepository(FeedbackImport)
      .createQueryBuilder()
      .update()
      .set({ status: 'failed', error: message.slice(0, 500), finishedAt: now })
      .where('id IN (:...ids)', { ids })
      .andWhere("status IN ('running', 'queued')")
      .execute();
  }

  /** Rejected rows in line order, one page at a time (the CSV export streams them). */
  async *errors(importId: string, pageSize = 1000): AsyncGenerator<FeedbackImportError> {
    let after = 0;
    for (;;) {
      const page = await this.dataSource
        .getRepository(FeedbackImportError)
        .createQueryBuilder('e')
        .where('e.importId = :importId AND e.line > :after', { importId, after })
        .orderBy('e.line', 'ASC')
        .limit(pageSize)
        .getMany();
      yield* page;
      if (page.length < pageSize) return;
      after = page[page.length - 1].line;
    }
  }

  /**
   * Why rows were rejected, problem by problem, most rows first (see summariseRejections), from the 5,000 most
   * common reasons: only a file whose every row fails differently (a different unreadable date on each) goes beyond.
   */
  async rejectionProblems(importId: string): Promise<RejectionProblem[]> {
    return summariseRejections(await this.reasonCounts(importId));
  }

  /** Rejected rows counted per reason, most common first (at most `limit` reasons). */
  private async reasonCounts(importId: string, limit = 5000): Promise<ReasonCount[]> {
    const rows: { reason: string; rows: string | number }[] = await this.dataSource
      .getRepository(FeedbackImportError)
      .createQueryBuilder('e')
      .select('e.reason', 'reason')
      .addSelect('COUNT(*)', 'rows')
      .where('e.importId = :importId', { importId })
      .groupBy('e.reason')
      .orderBy('rows', 'DESC')
      .limit(limit)
      .getRawMany();
    return rows.map((r) => ({ reason: r.reason, rows: Number(r.rows) }));
  }

  firstErrors(importId: string, limit: number): Promise<FeedbackImportError[]> {
    return this.dataSource.getRepository(FeedbackImportError).find({ where: { importId }, order: { line: 'ASC' }, take: limit });
  }
}
