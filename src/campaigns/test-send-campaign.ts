import { BadRequestException, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { INVITATION_LINK_TTL_MS } from '../invitations/invitation-tokens.service';
import { MailService } from '../notifications/mail.service';
import { newToken } from '../preferences/tokens';
import { UsersService } from '../users/users.service';
import { CampaignsService } from './campaigns.service';
import { InvitationEmails } from './invitation-email';

export const SAMPLE_COMMENT = 'The team was friendly and everything was ready on time. (Each customer sees their own words here.)';

/**
 * Sends the invitation as a customer would see it to a staff address (the caller's own by default;
 * only active staff users' addresses are accepted, so this can't reach customers). Sample name and
 * words, links that lead nowhere (tokens not stored); counts toward nothing.
 */
@Injectable()
export class TestSendCampaign {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly users: UsersService,
    private readonly emails: InvitationEmails,
    private readonly mail: MailService,
    private readonly audit: AuditService,
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
        name: 'Alex Sample',
        locationName: location?.name ?? 'Your location',
        comment: SAMPLE_COMMENT,
        invitationToken: newToken(),
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
