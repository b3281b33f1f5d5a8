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
    // Notes staff wrote when they followed her alerts up ("called Erin, she comes back Tuesday") are about her too.
    const p = dialectOf(manager) === 'postgres' ? '$1' : '?';
    await manager.query(
      `UPDATE detractor_alert SET resolution_note = NULL
       WHERE resolution_note IS NOT NULL AND response_id IN (SELECT id FROM feedback_response WHERE customer_id = ${p})`,
      [customerId],
    );
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
    // Staff's follow-up notes on those responses' alerts are about the same people: they go with them.
    await this.dataSource.query(
      `UPDATE detractor_alert SET resolution_note = NULL
       WHERE resolution_note IS NOT NULL AND response_id IN (SELECT id FROM feedback_response WHERE responded_at < ${d === 'postgres' ? '$1' : '?'})`,
      [dbTime(d, cutoff)],
    );
    return returnedRows(result).length;
  }
}
