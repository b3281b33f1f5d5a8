import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobQueue } from '../jobs/job-queue.service';
import { INVITATION_LINK_TTL_MS } from '../invitations/invitation-tokens.service';
import { FrequencyCap } from '../invitations/frequency-cap.service';
import { InvitationsService, MessageRef } from '../invitations/invitations.service';
import { isPermanentMailError, smtpErrorFields } from '../notifications/mail.errors';
import { MailService } from '../notifications/mail.service';
import { PreferenceTokens } from '../preferences/preference-tokens.service';
import { hashToken, newToken } from '../preferences/tokens';
import { SettingsService } from '../settings/settings.service';
import { SEND_INVITATIONS_JOB, SendInvitationsData } from './campaign.jobs';
import { ClaimedMessage, DeliveryRepository, DeliveryRow } from './delivery.repository';
import { InvitationEmails } from './invitation-email';
import { msUntilSendingHours } from './sending-hours';

/** How long a worker may take to send one message before another may try (after a crash). */
export const SEND_LEASE_MS = 5 * 60_000;

/**
 * withdrawn: the frequency cap no longer allows it (see FrequencyCap.countAtSend); the customer is
 * as if never invited (or reminded) and may be again once under the cap.
 */
export type SendOutcome = 'sent' | 'skipped' | 'cancelled' | 'withdrawn' | 'deferred' | 'failed';

type Readiness = { outcome: SendOutcome; at?: undefined } | { outcome?: undefined; at: Date };

/**
 * Sends invitations or reminders whose cap slots were claimed, one after the other. Right before
 * sending, one statement (DeliveryRepository.claim) re-checks what may have changed since they were
 * queued — campaign still running, consent still recorded, address not suppressed (opt-outs take
 * effect for queued messages too), a reminder's invitation still unopened — and leases them to this
 * job so no other job sends them meanwhile. Messages that may no longer be sent are cancelled and
 * their cap slots given back; outside the location's sending hours a message waits for them to open.
 * Then, per message and right before its email goes out, the frequency cap is checked again under
 * the customer's lock and the message counted at that moment (FrequencyCap.countAtSend): a claim
 * may have waited (paused campaign, sending hours) long enough for other messages to be sent.
 *
 * The suppression check at this point uses the entries' link to the customer row. That is exact:
 * an opt-out is always written linked to its customer, and an entry left unlinked by an erasure is
 * re-linked by HMAC (InviteCustomers) before that address can be invited again.
 *
 * An email's link token is created with its own random value as it is sent and stored (hashed) when
 * it is recorded as sent, so no link exists for an email that never went out.
 *
 * A transient SMTP failure gives the unsent rest back and fails the job: the queue retries it, and
 * the retry skips what was sent. A worker that dies mid-job leaves its leases to its job, which the
 * queue runs again elsewhere once it notices (BullMQ's stalled-job check): that run takes them over
 * at once. Delivery is at least once: a message the SMTP server accepted just before its worker died,
 * before it was recorded, is sent again.
 */
@Injectable()
export class SendInvitations {
  private readonly logger = new Logger(SendInvitations.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly delivery: DeliveryRepository,
    private readonly invitations: InvitationsService,
    private readonly ledger: FrequencyCap,
    private readonly preferenceTokens: PreferenceTokens,
    private readonly emails: InvitationEmails,
    private readonly mail: MailService,
    private readonly settings: SettingsService,
    private readonly jobs: JobQueue,
  ) {}

  /**
   * Outcome per invitation id. `owner`: the job's id, the same on each of its runs. `sentAt`: when the
   * messages are counted and recorded as sent, if not as they go out (the demo seed's past); leases and
   * sending hours follow the clock either way.
   */
  async execute({ invitationIds, kind }: SendInvitationsData, owner: string = randomUUID(), sentAt?: Date): Promise<Map<string, SendOutcome>> {
    const outcomes = new Map<string, SendOutcome>();
    const now = new Date();
    const claimed = await this.delivery.claim(invitationIds, kind, { now, leaseUntil: new Date(now.getTime() + SEND_LEASE_MS), owner });
    const claimedIds = new Set(claimed.map((m) => m.invitationId));
    for (const invitationId of invitationIds) {
      if (!claimedIds.has(invitationId)) outcomes.set(invitationId, await this.notSent({ invitationId, kind }));
    }
    const cap = claimed.length > 0 ? (await this.settings.get()).frequencyCap : 0;

    // Two things overlap with sending a message: recording the previous one as sent, and getting the
    // next one ready (its sending hours and its cap count, under the customer's lock) — so the count
    // still happens right before its send, but its round trips are not on the send loop's path.
    const recorded: Promise<void>[] = [];
    const ready = (message: ClaimedMessage): Promise<Readiness> => this.prepare(message, kind, now, cap, sentAt);
    let next: Promise<Readiness> | undefined = claimed.length > 0 ? ready(claimed[0]) : undefined;
    try {
      for (let i = 0; i < claimed.length; i++) {
        const message = claimed[i];
        const ref = { invitationId: message.invitationId, kind };
        const readiness = await next!;
        next = i + 1 < claimed.length ? ready(claimed[i + 1]) : undefined;
        if (readiness.outcome) {
          outcomes.set(ref.invitationId, readiness.outcome);
          continue;
        }
        const token = newToken();
        const expiresAt = new Date(readiness.at.getTime() + INVITATION_LINK_TTL_MS);
        try {
          await this.send(message, kind, token, expiresAt);
        } catch (error) {
          if (!isPermanentMailError(error)) {
            await next?.catch(() => undefined); // settle the next message's count before giving its lease back
            await this.invitations.releaseLeases(claimed.slice(i).map((m) => m.invitationId));
            throw error; // the queue retries the job; the retry skips what was sent
          }
          // Refused for good (unknown mailbox, policy): never delivered, so its cap slot goes back.
          await this.cancel(ref, 'failed');
          const { responseCode } = smtpErrorFields(error);
          this.logger.warn({ msg: 'invitation email refused for good', invitationId: ref.invitationId, kind, responseCode });
          outcomes.set(ref.invitationId, 'failed');
          continue;
        }
        recorded.push(this.invitations.markSent(ref, sentAt ?? new Date(), { tokenHash: hashToken(token), expiresAt }));
        outcomes.set(ref.invitationId, 'sent');
      }
    } finally {
      await next?.catch(() => undefined);
      await Promise.all(recorded);
    }
    return outcomes;
  }

  /** A message about to be sent: deferred to its sending hours, withdrawn by the cap, or counted now. */
  private async prepare(message: ClaimedMessage, kind: MessageRef['kind'], now: Date, cap: number, sentAt?: Date): Promise<Readiness> {
    const ref = { invitationId: message.invitationId, kind };
    const wait = msUntilSendingHours({ start: message.sendingHourStart, end: message.sendingHourEnd }, message.timezone, now);
    if (wait > 0) return { outcome: await this.defer(ref, now, wait) };
    const at = sentAt ?? new Date();
    if (!(await this.countAtSend(message, ref, cap, at))) return { outcome: 'withdrawn' };
    return { at };
  }

  /**
   * Under the customer's lock: counts the message now if the cap still allows it; otherwise withdraws
   * it and gives its slot back. A transient send failure after this keeps the slot (counted now), as
   * the retry will send it soon.
   */
  private countAtSend(message: ClaimedMessage, ref: MessageRef, cap: number, at: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const claim = { customerId: message.customerId, campaignId: message.campaignId, ...ref };
      if (await this.ledger.countAtSend(claim, cap, at, manager)) return true;
      if (await this.invitations.withdraw(manager, ref)) await this.ledger.release(manager, ref.invitationId, ref.kind);
      this.logger.log({ msg: 'message withdrawn: over the frequency cap at send time', invitationId: ref.invitationId, kind: ref.kind });
      return false;
    });
  }

  private async send(message: ClaimedMessage, kind: MessageRef['kind'], invitationToken: string, expiresAt: Date): Promise<void> {
    const preferenceToken =
      (message.preferenceTokenSealed && !message.preferenceTokenRevoked && this.preferenceTokens.open(message.preferenceTokenSealed)) ||
      (await this.preferenceTokens.reveal(message.customerId));
    await this.mail.send(
      this.emails.compose({
        kind,
        to: message.email,
        name: message.name,
        locationName: message.locationName,
        comment: message.comment,
        invitationToken,
        preferenceToken,
        expiresAt,
      }),
    );
  }

  /** Outside the location's sending hours: queued again for when they open. */
  private async defer(ref: MessageRef, now: Date, wait: number): Promise<SendOutcome> {
    await this.invitations.releaseLeases([ref.invitationId]);
    const opensAt = now.getTime() + wait;
    await this.jobs.enqueue(
      SEND_INVITATIONS_JOB,
      { invitationIds: [ref.invitationId], kind: ref.kind },
      { jobId: `send-${ref.invitationId}-${ref.kind}-h${opensAt}`, delayMs: wait },
    );
    return 'deferred';
  }

  /** The claim didn't take: find out why, and cancel the message if it may never be sent. */
  private async notSent(ref: MessageRef): Promise<SendOutcome> {
    const row = await this.delivery.load(ref.invitationId);
    if (!row || !isUnsent(row, ref)) return 'skipped'; // sent or cancelled already
    if (row.campaignStatus === 'paused' || row.campaignStatus === 'draft') return 'skipped'; // queued again on resume
    const mayNeverSend =
      row.campaignStatus === 'ended' || (ref.kind === 'reminder' && row.openedAt !== null) || !row.marketingConsent || row.suppressedLinked;
    if (mayNeverSend) return (await this.cancel(ref)) ? 'cancelled' : 'skipped';
    return 'skipped'; // another worker holds the lease
  }

  /** Marks the message as never to be sent and gives its cap slot back. */
  private cancel(ref: MessageRef, as: 'cancelled' | 'failed' = 'cancelled'): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const changed = await this.invitations.cancel(manager, ref, as);
      if (changed) await this.ledger.release(manager, ref.invitationId, ref.kind);
      return changed;
    });
  }
}

function isUnsent(row: DeliveryRow, ref: MessageRef): boolean {
  return ref.kind === 'invitation' ? row.status === 'pending' : row.status === 'sent' && row.reminderStatus === 'pending';
}
