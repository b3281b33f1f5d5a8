import { Module } from '@nestjs/common';
import { InvitationTokens } from './invitation-tokens.service';
import { InvitationsRepository } from './invitations.repository';
import { MessageLedger } from './message-ledger.repository';

/**
 * The invitation store: invitations (one per customer and campaign), their link tokens and the
 * frequency-cap ledger. Campaigns decide who to invite and send; the invitation pages read here.
 */
@Module({
  providers: [InvitationsRepository, InvitationTokens, MessageLedger],
  exports: [InvitationsRepository, InvitationTokens, MessageLedger],
})
export class InvitationsModule {}
