import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isEmail } from 'class-validator';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CampaignsService } from '../campaigns/campaigns.service';
import { formatDay } from '../campaigns/invitation-email';
import { AppConfig } from '../config/app-config';
import { CustomersService } from '../customers/customers.service';
import { OutboxService } from '../jobs/outbox.service';
import { sealEmailSecrets } from '../notifications/email-secrets';
import { SEND_EMAIL_JOB } from '../notifications/send-email.job';
import { LinkKind } from '../preferences/link-pages';
import { FRESH_LINK_LIMITS, LinkRateLimiter } from '../preferences/link-rate-limiter.service';
import { PreferenceTokens } from '../preferences/preference-tokens.service';
import { bucketHash, normalizeEmail } from '../preferences/tokens';
import { INVITATION_LINK_TTL_MS, InvitationTokens } from './invitation-tokens.service';
import { InvitationsService } from './invitations.service';

export type FreshLinkOutcome = 'accepted' | 'rate_limited';

/**
 * "Email me a fresh link", offered on the page for links that aren't valid. The answer is the same
 * whether or not the address is known (nothing can be learned from it); only a client over its IP
 * limit is told to wait. The email is transactional and counts toward nothing but these abuse
 * limits: per IP and per address per hour. It carries the customer's preference link and, when
 * they have a delivered invitation in a running campaign, a new link to it.
 */
@Injectable()
export class FreshLinks {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly limiter: LinkRateLimiter,
    private readonly customers: CustomersService,
    private readonly campaigns: CampaignsService,
    private readonly invitations: InvitationsService,
    private readonly invitationTokens: InvitationTokens,
    private readonly preferenceTokens: PreferenceTokens,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async request(ip: string, rawEmail: unknown, kind: LinkKind): Promise<FreshLinkOutcome> {
    const { perIp, perAddress, windowMs } = FRESH_LINK_LIMITS;
    if (!(await this.limiter.take(bucketHash(this.config.hashKey, 'ip', ip), perIp, windowMs))) return 'rate_limited';
    if (typeof rawEmail !== 'string' || rawEmail.length > 254 || !isEmail(rawEmail.trim())) return 'accepted';
    const email = normalizeEmail(rawEmail);
    // The address's limit is taken before looking it up, so a known and an unknown address behave alike.
    if (!(await this.limiter.take(bucketHash(this.config.hashKey, 'email', email), perAddress, windowMs))) return 'accepted';
    const customerId = (await this.customers.resolveIds([email])).get(email);
    if (customerId) await this.send(customerId, email, kind);
    return 'accepted';
  }

  private async send(customerId: string, email: string, kind: LinkKind): Promise<void> {
    const now = new Date();
    const running = await this.campaigns.activeIds();
    const invitation = kind === 'invitation' ? await this.invitations.latestDelivered(customerId, running) : null;
    const locationName = invitation ? (await this.campaigns.delivery(invitation.id))?.locationName : undefined;
    await this.dataSource.transaction(async (manager) => {
      const preferenceToken = await this.preferenceTokens.reveal(customerId, manager);
      const invitationToken = invitation ? await this.invitationTokens.issue(invitation.id, now, manager) : null;
      const preferencesUrl = `${this.config.publicUrl}/preferences/${preferenceToken}`;
      await this.outbox.add(manager, SEND_EMAIL_JOB, {
        to: email,
        template: 'preferences-link',
        subject: 'Your new link',
        kind: 'transactional',
        context: {
          locationName: locationName ?? null,
          expiresOn: formatDay(new Date(now.getTime() + INVITATION_LINK_TTL_MS)),
        },
        // The links travel sealed: the outbox row and the queue's copy outlive the email by days.
        sealed: sealEmailSecrets(this.config.encryptionKey, {
          unsubscribeUrl: `${preferencesUrl}/unsubscribe`,
          context: { preferencesUrl, invitationUrl: invitationToken ? `${this.config.publicUrl}/i/${invitationToken}` : null },
        }),
      });
      await this.audit.record(
        { type: 'customer', id: customerId },
        { action: 'customer.link_requested', subjectType: 'customer', subjectId: customerId, details: { kind, invitation: !!invitationToken } },
        manager,
      );
    });
    this.outbox.kick();
  }
}
