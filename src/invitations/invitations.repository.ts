import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Invitation } from './invitation.entity';
import { InvitationToken } from './invitation-token.entity';
import { MarketingMessageKind } from './marketing-message.entity';
import { chunks, dialectOf, readTime, returnedRows, SqlParams } from '../database/sql';

export interface NewInvitation {
  id: string;
  campaignId: string;
  customerId: string;
  locationId: string;
}

export interface MessageRef {
  invitationId: string;
  kind: MarketingMessageKind;
}

/** The link an email carried: the SHA-256 of its token and when it expires. */
export interface SentLink {
  tokenHash: string;
  expiresAt: Date;
}

export interface ReminderCandidate {
  invitationId: string;
  customerId: string;
  campaignId: string;
}

/** The invitation table: batch writes for the fan-out, conditional updates for racing senders. */
@Injectable()
export class InvitationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findById(id: string, manager: EntityManager = this.manager): Promise<Invitation | null> {
    return manager.findOneBy(Invitation, { id });
  }

  /** Customers of the list that already have an invitation to the campaign (in any state). */
  async invitedAmong(manager: EntityManager, campaignId: string, customerIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunks(customerIds, 1000)) {
      const p = new SqlParams(dialectOf(manager));
      const rows: { customer_id: string }[] = await manager.query(
        `SELECT customer_id FROM invitation WHERE campaign_id = ${p.add(campaignId)} AND customer_id ${p.inIds(chunk)}`,
        p.values,
      );
      for (const row of rows) found.add(row.customer_id);
    }
    return found;
  }

  async insertPending(manager: EntityManager, rows: NewInvitation[], now: Date): Promise<void> {
    if (rows.length === 0) return;
    if (dialectOf(manager) === 'postgres') {
      await manager.query(
        `INSERT INTO invitation (id, campaign_id, customer_id, location_id, status, created_at)
         SELECT t.id, t.campaign_id, t.customer_id, t.location_id, 'pending', $5
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[]) AS t(id, campaign_id, customer_id, location_id)`,
        [rows.map((r) => r.id), rows.map((r) => r.campaignId), rows.map((r) => r.customerId), rows.map((r) => r.locationId), now.toISOString()],
      );
      return;
    }
    for (const chunk of chunks(rows, 500)) {
      if (chunk.length === 0) continue;
      await manager
        .createQueryBuilder()
        .insert()
        .into(Invitation)
        .values(chunk.map((row) => ({ ...row, status: 'pending' as const, createdAt: now })))
        .updateEntity(false)
        .execute();
    }
  }

  /** Gives up the right to send these messages (sending failed, or waits for sending hours). */
  async releaseLeases(invitationIds: string[]): Promise<void> {
    if (invitationIds.length === 0) return;
    const p = new SqlParams(dialectOf(this.manager));
    await this.manager.query(`UPDATE invitation SET lease_until = NULL, lease_owner = NULL WHERE id ${p.inIds(invitationIds)}`, p.values);
  }

  /**
   * Records a message as sent and stores its email's link token (only its hash): the link exists only
   * once its email went out. One statement on PostgreSQL (raw SQL: runs once per email sent).
   */
  async markSent(ref: MessageRef, at: Date, link: SentLink): Promise<void> {
    const dialect = dialectOf(this.manager);
    const p = new SqlParams(dialect);
    const set = ref.kind === 'invitation' ? `status = 'sent', sent_at = ${p.time(at)}` : `reminder_status = 'sent', reminded_at = ${p.time(at)}`;
    const update = `UPDATE invitation SET ${set}, lease_until = NULL, lease_owner = NULL WHERE id = ${p.add(ref.invitationId)}`;
    if (dialect === 'postgres') {
      await this.manager.query(
        `WITH sent AS (${update} RETURNING id)
         INSERT INTO invitation_token (id, invitation_id, token_hash, expires_at, created_at)
         SELECT gen_random_uuid(), sent.id, ${p.add(link.tokenHash)}, ${p.time(link.expiresAt)}, ${p.time(at)} FROM sent`,
        p.values,
      );
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query(update, p.values);
      await manager.insert(InvitationToken, { invitationId: ref.invitationId, tokenHash: link.tokenHash, expiresAt: link.expiresAt, revokedAt: null, createdAt: at });
    });
  }

  /** Marks a message that will never be sent; true if it was still pending (the caller then releases its slot). */
  async cancel(manager: EntityManager, ref: MessageRef, as: 'cancelled' | 'failed' = 'cancelled'): Promise<boolean> {
    const query = manager.createQueryBuilder().update(Invitation).where('id = :id', { id: ref.invitationId });
    if (ref.kind === 'invitation') query.set({ status: as, leaseUntil: null, leaseOwner: null }).andWhere(`status = 'pending'`);
    else query.set({ reminderStatus: 'cancelled', leaseUntil: null, leaseOwner: null }).andWhere(`reminder_status = 'pending'`);
    return ((await query.execute()).affected ?? 0) > 0;
  }

  /**
   * Takes back a message the frequency cap no longer allows (its claim waited too long, and others
   * were sent meanwhile): the customer is as if never invited (the invitation row goes) or never
   * reminded (the reminder is unscheduled), so a later round may try again once they are under the
   * cap. True if it was still unsent; the caller releases its slot in the same transaction.
   */
  async withdraw(manager: EntityManager, ref: MessageRef): Promise<boolean> {
    const p = new SqlParams(dialectOf(manager));
    const sql =
      ref.kind === 'invitation'
        ? `DELETE FROM invitation WHERE id = ${p.add(ref.invitationId)} AND status = 'pending' RETURNING id`
        : `UPDATE invitation SET reminder_status = NULL, lease_until = NULL, lease_owner = NULL
           WHERE id = ${p.add(ref.invitationId)} AND status = 'sent' AND reminder_status = 'pending' RETURNING id`;
    return returnedRows(await manager.query(sql, p.values)).length > 0;
  }

  /**
   * Cancels everything of the campaign not sent yet and gives back the cap slots of what it cancelled,
   * in one statement (PostgreSQL; two on SQLite). Messages a worker is sending right now (live lease)
   * are left to finish: their email may already be on its way, so their slots stay taken. If that
   * worker died, the next claim finds the campaign ended and cancels them then.
   */
  async cancelUnsent(manager: EntityManager, campaignId: string, now = new Date()): Promise<void> {
    const dialect = dialectOf(manager);
    const p = new SqlParams(dialect);
    const unsent = `SELECT id, CASE WHEN status = 'pending' THEN 'invitation' ELSE 'reminder' END AS kind FROM invitation
      WHERE campaign_id = ${p.add(campaignId)} AND (status = 'pending' OR (status = 'sent' AND reminder_status = 'pending'))
        AND (lease_until IS NULL OR lease_until < ${p.time(now)})`;
    const cancel = `status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END,
      reminder_status = CASE WHEN status = 'sent' AND reminder_status = 'pending' THEN 'cancelled' ELSE reminder_status END,
      lease_until = NULL, lease_owner = NULL`;
    if (dialect === 'postgres') {
      await manager.query(
        `WITH unsent AS (${unsent} FOR UPDATE),
         cancelled AS (UPDATE invitation i SET ${cancel} FROM unsent WHERE i.id = unsent.id RETURNING unsent.id, unsent.kind)
         DELETE FROM marketing_message m USING cancelled WHERE m.invitation_id = cancelled.id AND m.kind = cancelled.kind`,
        p.values,
      );
      return;
    }
    // SQLite (one writer, inside the caller's transaction): the slots first, while the rows still say which were unsent.
    await manager.query(
      `DELETE FROM marketing_message WHERE EXISTS (SELECT 1 FROM (${unsent}) AS u WHERE u.id = marketing_message.invitation_id AND u.kind = marketing_message.kind)`,
      p.values,
    );
    const update = new SqlParams(dialect);
    await manager.query(
      `UPDATE invitation SET ${cancel} WHERE campaign_id = ${update.add(campaignId)}
         AND (status = 'pending' OR (status = 'sent' AND reminder_status = 'pending'))
         AND (lease_until IS NULL OR lease_until < ${update.time(now)})`,
      update.values,
    );
  }

  /** Records the first visit of the invitation page; later visits change nothing. */
  async markOpened(invitationId: string, at: Date): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .update(Invitation)
      .set({ openedAt: at })
      .where('id = :id AND opened_at IS NULL', { id: invitationId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Reminders become pending once their slot is claimed. */
  async markRemindersPending(manager: EntityManager, invitationIds: string[]): Promise<void> {
    for (const chunk of chunks(invitationIds, 500)) {
      if (chunk.length === 0) continue;
      await manager
        .createQueryBuilder()
        .update(Invitation)
        .set({ reminderStatus: 'pending' })
        .where('id IN (:...ids) AND reminder_status IS NULL', { ids: chunk })
        .execute();
    }
  }

  /**
   * Invitations sent in (sentAfter, sentBefore] that were never opened and never reminded, at the
   * given locations, after `afterId` (keyset paging).
   */
  async remindersDue(
    campaignId: string,
    window: { sentAfter: Date; sentBefore: Date },
    locationIds: string[],
    afterId: string,
    limit: number,
  ): Promise<ReminderCandidate[]> {
    const p = new SqlParams(dialectOf(this.manager));
    const rows: { id: string; customer_id: string }[] = await this.manager.query(
      `SELECT id, customer_id FROM invitation
       WHERE campaign_id = ${p.add(campaignId)} AND status = 'sent' AND opened_at IS NULL AND reminder_status IS NULL
         AND sent_at > ${p.time(window.sentAfter)} AND sent_at <= ${p.time(window.sentBefore)}
         AND location_id ${p.inIds(locationIds)} AND id > ${p.add(afterId)}
       ORDER BY id LIMIT ${Number(limit)}`,
      p.values,
    );
    return rows.map((row) => ({ invitationId: row.id, customerId: row.customer_id, campaignId }));
  }

  /** Of these invitations, those still delivered, unopened and without a reminder (read in the caller's transaction). */
  async unremindedAmong(manager: EntityManager, invitationIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunks(invitationIds, 1000)) {
      const p = new SqlParams(dialectOf(manager));
      const rows: { id: string }[] = await manager.query(
        `SELECT id FROM invitation WHERE id ${p.inIds(chunk)} AND status = 'sent' AND opened_at IS NULL AND reminder_status IS NULL`,
        p.values,
      );
      for (const row of rows) found.add(row.id);
    }
    return found;
  }

  /**
   * Messages claimed but not sent whose worker seems gone (enqueue lost in a crash, campaign resumed,
   * waiting for sending hours): created before `createdBefore`, no live lease.
   */
  async unsent(campaignId: string, createdBefore: Date, now: Date, afterId: string, limit: number): Promise<MessageRef[]> {
    const p = new SqlParams(dialectOf(this.manager));
    const rows: { id: string; kind: MarketingMessageKind }[] = await this.manager.query(
      `SELECT id, CASE WHEN status = 'pending' THEN 'invitation' ELSE 'reminder' END AS kind FROM invitation
       WHERE campaign_id = ${p.add(campaignId)}
         AND (status = 'pending' OR (status = 'sent' AND reminder_status = 'pending'))
         AND created_at < ${p.time(createdBefore)}
         AND (lease_until IS NULL OR lease_until < ${p.time(now)}) AND id > ${p.add(afterId)}
       ORDER BY id LIMIT ${Number(limit)}`,
      p.values,
    );
    return rows.map((row) => ({ invitationId: row.id, kind: row.kind }));
  }

  /** The customer's most recent delivered invitation among these campaigns (for a fresh link). */
  async latestDelivered(customerId: string, campaignIds: string[]): Promise<{ id: string; sentAt: Date } | null> {
    if (campaignIds.length === 0) return null;
    const p = new SqlParams(dialectOf(this.manager));
    const [row] = await this.manager.query(
      `SELECT id, sent_at FROM invitation WHERE customer_id = ${p.add(customerId)} AND status = 'sent'
         AND campaign_id ${p.inIds(campaignIds)} ORDER BY sent_at DESC LIMIT 1`,
      p.values,
    );
    return row ? { id: row.id as string, sentAt: readTime(row.sent_at)! } : null;
  }
}
