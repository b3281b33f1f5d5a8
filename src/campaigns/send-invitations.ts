import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobQueue } from '../jobs/job-queue.service';
import { INVITATION_LINK_TTL_MS } from '../invitations/invitation-tokens.service';
import { InvitationsRepository, MessageRef } from '../invitations/invitations.repository';
import { MessageLedger } from '../invitations/message-ledger.repository';
import { isPermanentMailError, smtpErrorFields } from '../notifications/mail.errors';
import { MailService } from '../notifications/mail.service';
import { PreferenceTokens } from '../preferences/preference-tokens.service';
import { hashToken, newToken } from '../preferences/tokens';
import { SEND_INVITATIONS_JOB, SendInvitationsData } from './campaign.jobs';
import { ClaimedMessage, DeliveryRepository, DeliveryRow } from './delivery.repository';
import { InvitationEmails } from './invitation-email';
import { msUntilSendingHours } from './sending-hours';

/** How long a worker may take to send one message before another may try (after a crash). */
export const SEND_LEASE_MS = 5 * 60_000;

export type SendOutcome = 'sent' | 'skipped' | 'cancelled' | 'deferred' | 'failed';

/**
 * Sends invitations or reminders whose cap slots were claimed, one after the other. Right before
 * sending, one statement (DeliveryRepository.claim) re-checks what may have changed since they were
 * queued — campaign still running, consent still recorded, address not suppressed (opt-outs take
 * effect for queued messages too), a reminder's invitation still unopened — and leases them so no
 * other worker sends them meanwhile. Messages that may no longer be sent are cancelled and their
 * cap slots given back; outside the location's sending hours a message waits for them to open.
 *
 * The suppression check at this point uses the entries' link to the customer row. That is exact:
 * an opt-out is always written linked to its customer, and an entry left unlinked by an erasure is
 * re-linked by HMAC (InviteCustomers) before that address can be invited again.
 *
 * A transient SMTP failure gives the unsent rest back and fails the job: the queue retries it, and
 * the retry skips what was sent. Delivery is at least once: a worker that dies after the SMTP server
 * accepted a message but before recording it leaves the lease to run out, and it is sent again.
 */
@Injectable()
export class SendInvitations {
  private readonly logger = new Logger(SendInvitations.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly delivery: DeliveryRepository,
    private readonly invitations: InvitationsRepository,
    private readonly ledger: MessageLedger,
    private readonly preferenceTokens: PreferenceTokens,
    private readonly emails: InvitationEmails,
    private readonly mail: MailService,
    private readonly jobs: JobQueue,
  ) {}

  /** Outcome per invitation id. */
  async execute({ invitationIds, kind }: SendInvitationsData): Promise<Map<string, SendOutcome>> {
    const outcomes = new Map<string, SendOutcome>();
    const now = new Date();
    const tokens = new Map(invitationIds.map((id) => [id, newToken()]));
    const tokenExpiresAt = new Date(now.getTime() + INVITATION_LINK_TTL_MS);
    const claimed = await this.delivery.claim(invitationIds, kind, {
      now,
      leaseUntil: new Date(now.getTime() + SEND_LEASE_MS),
      tokenHashes: new Map([...tokens].map(([id, token]) => [id, hashToken(token)])),
      tokenExpiresAt,
    });
    const claimedIds = new Set(claimed.map((m) => m.invitationId));
    for (const invitationId of invitationIds) {
      if (!claimedIds.has(invitationId)) outcomes.set(invitationId, await this.notSent({ invitationId, kind }));
    }

    // Recording a message as sent overlaps with sending the next one; all are recorded before the job ends.
    const recorded: Promise<void>[] = [];
    try {
      for (let i = 0; i < claimed.length; i++) {
        const message = claimed[i];
        const ref = { invitationId: message.invitationId, kind };
        const wait = msUntilSendingHours({ start: message.sendingHourStart, end: message.sendingHourEnd }, message.timezone, now);
        if (wait > 0) {
          outcomes.set(ref.invitationId, await this.defer(ref, now, wait));
          continue;
        }
        try {
          await this.send(message, kind, tokens.get(message.invitationId)!, tokenExpiresAt);
        } catch (error) {
          if (!isPermanentMailError(error)) {
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
        recorded.push(this.invitations.markSent(ref, new Date()));
        outcomes.set(ref.invitationId, 'sent');
      }
    } finally {
      await Promise.all(recorded);
    }
    return outcomes;
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
