import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { hashToken, isTokenShaped, newToken } from '../preferences/tokens';
import { InvitationToken } from './invitation-token.entity';

/** An invitation link works for 30 days from the email that carried it. */
export const INVITATION_LINK_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Invitation links: a new 256-bit token per email, only its SHA-256 stored (the token itself goes into the email and nowhere else). */
@Injectable()
export class InvitationTokens {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A new link to the invitation; returns the token for the email. */
  async issue(invitationId: string, now = new Date(), manager: EntityManager = this.dataSource.manager): Promise<string> {
    const token = newToken();
    await manager.insert(InvitationToken, {
      invitationId,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + INVITATION_LINK_TTL_MS),
      revokedAt: null,
    });
    return token;
  }

  /** The invitation a token opens, or null for an unknown, expired or revoked one. */
  async resolve(token: unknown, now = new Date()): Promise<string | null> {
    if (!isTokenShaped(token)) return null;
    const row = await this.dataSource.manager.findOneBy(InvitationToken, { tokenHash: hashToken(token), revokedAt: IsNull() });
    return row && row.expiresAt.getTime() > now.getTime() ? row.invitationId : null;
  }

  /** Ends every link to the invitation. */
  async revokeAll(invitationId: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.update(InvitationToken, { invitationId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
