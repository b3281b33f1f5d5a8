import { Module } from '@nestjs/common';
import { FrequencyCap } from './frequency-cap.service';
import { InvitationTokens } from './invitation-tokens.service';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MessageLedger } from './message-ledger.repository';

/**
 * The invitation store: invitations (one per customer and campaign), their link tokens and the
 * frequency-cap ledger. Only this module writes those tables; campaigns (who to invite, sending,
 * reminders) go through InvitationsService, FrequencyCap and InvitationTokens.
 */
@Module({
  providers: [InvitationsRepository, MessageLedger, InvitationsService, FrequencyCap, InvitationTokens],
  exports: [InvitationsService, FrequencyCap, InvitationTokens],
})
export class InvitationsModule {}
