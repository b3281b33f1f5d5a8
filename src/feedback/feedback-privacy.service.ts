import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { dbTime, dialectOf, returnedRows } from '../database/sql';
import { FeedbackResponse } from './feedback-response.entity';
import { StagedUploads } from './staged-uploads';

/** The feedback side of privacy: a customer's erasure and the retention of old responses. */
@Injectable()
export class FeedbackPrivacy {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly staged: StagedUploads,
  ) {}

  /** Survey exports waiting for their mapping that name the customer are removed (the uploader uploads again). */
  removeUploadsContaining(needles: string[]): Promise<number> {
    return this.staged.removeContaining(needles.map((needle) => needle.toLowerCase()));
  }

  /** Clears the comment, name and phone of the customer's responses and the follow-up notes on their alerts; score, segment and dates stay for NPS. */
  async eraseResponsesOf(manager: EntityManager, customerId: string): Promise<void> {
    await manager.update(FeedbackResponse, { customerId }, { comment: null, name: null, phone: null });
    await clearAlertNotes(manager, 'customer_id =', customerId);
  }

  /** The same for every response given before `cutoff` (retention), alert notes included; returns how many responses were anonymised. */
  async anonymiseBefore(cutoff: Date): Promise<number> {
    const d = dialectOf(this.dataSource.manager);
    const result: unknown = await this.dataSource.query(
      `UPDATE feedback_response SET comment = NULL, name = NULL, phone = NULL
       WHERE responded_at < ${d === 'postgres' ? '$1' : '?'} AND (comment IS NOT NULL OR name IS NOT NULL OR phone IS NOT NULL)
       RETURNING id`,
      [dbTime(d, cutoff)],
    );
    await clearAlertNotes(this.dataSource.manager, 'responded_at <', dbTime(d, cutoff));
    return returnedRows(result).length;
  }
}

/**
 * Clears the follow-up notes staff wrote on the alerts of the responses where `column` (`customer_id =`,
 * `responded_at <`) holds for `value`: notes like "called Erin, she comes back Tuesday" are about the same person
 * as the response, so they go with its comment, name and phone.
 */
async function clearAlertNotes(manager: EntityManager, column: 'customer_id =' | 'responded_at <', value: unknown): Promise<void> {
  const p = dialectOf(manager) === 'postgres' ? '$1' : '?';
  await manager.query(
    `UPDATE detractor_alert SET resolution_note = NULL
     WHERE resolution_note IS NOT NULL AND response_id IN (SELECT id FROM feedback_response WHERE ${column} ${p})`,
    [value],
  );
}
