import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Invitation } from './invitation.entity';
import { MarketingMessageKind } from './marketing-message.entity';
import { chunks, dialectOf, readTime, SqlParams } from '../database/sql';

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
    await this.manager.query(`UPDATE invitation SET lease_until = NULL WHERE id ${p.inIds(invitationIds)}`, p.values);
  }

  /** Raw SQL: runs once per email sent. */
  async markSent(ref: MessageRef, at: Date): Promise<void> {
    const p = new SqlParams(dialectOf(this.manager));
    const set = ref.kind === 'invitation' ? `status = 'sent', sent_at = ${p.time(at)}` : `reminder_status = 'sent', reminded_at = ${p.time(at)}`;
    await this.manager.query(`UPDATE invitation SET ${set}, lease_until = NULL WHERE id = ${p.add(ref.invitationId)}`, p.values);
  }

  /** Marks a message that will never be sent; true if it was still pending (the caller then releases its slot). */
  async cancel(manager: EntityManager, ref: MessageRef, as: 'cancelled' | 'failed' = 'cancelled'): Promise<boolean> {
    const query = manager.createQueryBuilder().update(Invitation).where('id = :id', { id: ref.invitationId });
    if (ref.kind === 'invitation') query.set({ status: as, leaseUntil: null }).andWhere(`status = 'pending'`);
    else query.set({ reminderStatus: 'cancelled', leaseUntil: null }).andWhere(`reminder_status = 'pending'`);
    return ((await query.execute()).affected ?? 0) > 0;
  }

  /**
   * Cancels everything of the campaign not sent yet; returns the messages whose slots are to be
   * released. Messages a worker is sending right now (live lease) are left to finish: their email may
   * already be on its way, so their slots stay taken. If that worker died, the next claim finds the
   * campaign ended and cancels them then.
   */
  async cancelUnsent(manager: EntityManager, campaignId: string, now = new Date()): Promise<MessageRef[]> {
    const refs: MessageRef[] = [];
    for (const kind of ['invitation', 'reminder'] as const) {
      const state = kind === 'invitation' ? `status = 'pending'` : `status = 'sent' AND reminder_status = 'pending'`;
      const select = new SqlParams(dialectOf(manager));
      const rows: { id: string }[] = await manager.query(
        `SELECT id FROM invitation WHERE campaign_id = ${select.add(campaignId)} AND ${state}
           AND (lease_until IS NULL OR lease_until < ${select.time(now)})`,
        select.values,
      );
      for (const chunk of chunks(rows.map((r) => r.id), 500)) {
        const update = new SqlParams(dialectOf(manager));
        const set = kind === 'invitation' ? `status = 'cancelled'` : `reminder_status = 'cancelled'`;
        await manager.query(`UPDATE invitation SET ${set}, lease_until = NULL WHERE id ${update.inIds(chunk)} AND ${state}`, update.values);
      }
      refs.push(...rows.map((r) => ({ invitationId: r.id, kind })));
    }
    return refs;
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
