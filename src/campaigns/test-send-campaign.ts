import { BadRequestException, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { SAMPLE_COMMENT, SAMPLE_NAME, signTestInvitation } from '../invitations/test-invitation-token';
import { Actor } from '../common/actor';
import { INVITATION_LINK_TTL_MS } from '../invitations/invitation-tokens.service';
import { MailService } from '../notifications/mail.service';
import { newToken } from '../preferences/tokens';
import { UsersService } from '../users/users.service';
import { CampaignsService } from './campaigns.service';
import { InvitationEmails } from './invitation-email';


/**
 * Sends the invitation as a customer would see it to a staff address (the caller's own by default;
 * only active staff users' addresses are accepted, so this can't reach customers). Sample name and
 * words; its link opens the campaign's real page marked as a test, where nothing can be approved or
 * counted; counts toward nothing.
 */
@Injectable()
export class TestSendCampaign {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly users: UsersService,
    private readonly emails: InvitationEmails,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async execute(actor: Actor, id: string, email?: string): Promise<{ sentTo: string }> {
    const campaign = await this.campaigns.get(actor, id);
    const to = await this.recipient(actor, email);
    const index = await this.campaigns.locations();
    const location = index.byId.get(index.scope(campaign.locationIds)[0] ?? '');
    await this.mail.send(
      this.emails.compose({
        kind: 'invitation',
        to,
        name: SAMPLE_NAME,
        locationName: location?.name ?? 'Your location',
        comment: SAMPLE_COMMENT,
        // The real page for this campaign and location, marked as a test (see InvitationLanding): nothing stored.
        invitationToken: signTestInvitation(this.config.hashKey, { campaignId: campaign.id, locationId: location?.id ?? null, expiresAt: Date.now() + INVITATION_LINK_TTL_MS }),
        preferenceToken: newToken(),
        expiresAt: new Date(Date.now() + INVITATION_LINK_TTL_MS),
        test: true,
      }),
    );
    await this.audit.record(actor, { action: 'campaign.test_send', subjectType: 'campaign', subjectId: campaign.id });
    return { sentTo: to };
  }

  private async recipient(actor: Actor, email?: string): Promise<string> {
    if (email) {
      const user = await this.users.findByEmail(email);
      if (!user || !user.active) throw new BadRequestException(['Test sends go to staff addresses only: use the address of an active staff user']);
      return user.email;
    }
    if (actor.type !== 'staff' || !actor.id) throw new BadRequestException(['email is required']);
    return (await this.users.get(actor.id)).email;
  }
}
