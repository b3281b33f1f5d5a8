import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, StaffRole, SYSTEM_ACTOR } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { OutboxService } from '../jobs/outbox.service';
import { sealEmailSecrets } from '../notifications/email-secrets';
import { SEND_EMAIL_JOB, SendEmailData } from '../notifications/send-email.job';
import { PasswordResetToken, PasswordTokenPurpose } from './password-reset-token.entity';
import { UserView } from './user.view';
import { UsersService } from './users.service';

/** A reset link works for an hour; an invitation gives the new user three days. */
export const RESET_LINK_TTL_MS = 60 * 60 * 1000;
export const INVITATION_LINK_TTL_MS = 72 * 60 * 60 * 1000;
/** More links than this per user in an hour are not sent (someone is flooding the inbox). */
export const MAX_LINKS_PER_HOUR = 5;

/** One answer for an unknown, expired, used or tampered link, so nothing can be learned from it. */
export const INVALID_PASSWORD_LINK = 'This link is invalid, has expired or has already been used. Please ask for a new one.';

/** 256 random bits, URL-safe: exactly 43 base64url characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const ROLE_LABELS: Record<StaffRole, string> = { admin: 'an admin', marketer: 'a marketer', dealer: 'a location manager' };

export interface PasswordLinkInfo {
  purpose: PasswordTokenPurpose;
  expiresAt: Date;
}

/**
 * Emailed one-time links to choose a password: "forgot password" and staff invitations. A link is a
 * random token whose SHA-256 is stored; it works once, until it expires, and using it ends every
 * other link and every session of that user. Emails go through the outbox, so a link is sent if and
 * only if its token was stored.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    @InjectRepository(PasswordResetToken) private readonly tokens: Repository<PasswordResetToken>,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  /**
   * "Forgot password": emails a one-hour link when the address belongs to an active user. Resolves the
   * same way whether or not it does; the attempt is audited with the user id when there is one.
   */
  /** Retention: links that expired before `cutoff` are deleted (they open nothing any more). */
  async purgeExpired(cutoff: Date): Promise<number> {
    const result = await this.tokens.createQueryBuilder().delete().from(PasswordResetToken).where('expires_at < :cutoff', { cutoff }).execute();
    return result.affected ?? 0;
  }

  async requestReset(email: string): Promise<void> {
    const user = typeof email === 'string' ? await this.users.findByEmail(email) : null;
    if (!user) return;
    const skipped = !user.active ? 'inactive' : (await this.recentLinks(user.id)) >= MAX_LINKS_PER_HOUR ? 'too_many' : null;
    if (skipped) {
      await this.audit.record(SYSTEM_ACTOR, {
        action: 'auth.password_reset_requested',
        subjectType: 'user',
        subjectId: user.id,
        details: { sent: false, reason: skipped },
      });
      return;
    }
    await this.sendLink(SYSTEM_ACTOR, user, 'reset', 'auth.password_reset_requested');
  }

  /**
   * Creates a staff user who has no usable password yet (a random one nobody sees) and emails them a
   * 72-hour link to choose their own. Validation and the `user.create` audit are UsersService's.
   */
  async invite(actor: Actor, input: { email: string; role: StaffRole; locationCodes?: string[] }): Promise<UserView> {
    const { user } = await this.users.create(actor, { email: input.email, role: input.role, locationCodes: input.locationCodes });
    await this.sendLink(actor, user, 'invitation', 'user.invite');
    return user;
  }

  /**
   * An admin sends a user a new link: an invitation if they never signed in, otherwise a reset link.
   * Refused for an inactive user (the link could not be used).
   */
  async resendLink(actor: Actor, userId: string): Promise<void> {
    const user = await this.users.get(userId);
    if (!user.active) throw new BadRequestException(['This user is deactivated: reactivate them first']);
    await this.sendLink(actor, user, user.lastLoginAt ? 'reset' : 'invitation', 'auth.password_link_sent');
  }

  /** What the "choose a password" page needs to know about a link, or null if it cannot be used. */
  async inspect(token: string): Promise<PasswordLinkInfo | null> {
    const row = await this.findUsable(token);
    return row ? { purpose: row.purpose, expiresAt: row.expiresAt } : null;
  }

  /**
   * Sets the password through a link. Throws BadRequestException with INVALID_PASSWORD_LINK for a link
   * that can't be used, or with the password rule that failed (the link then stays usable).
   */
  async confirm(token: string, newPassword: string): Promise<void> {
    const found = await this.findUsable(token);
    if (!found) throw new BadRequestException([INVALID_PASSWORD_LINK]);
    // Hashing is slow: before the transaction, and a password that breaks the rules doesn't burn the link.
    const passwordHash = await this.users.preparePassword(newPassword);
    await this.tokens.manager.transaction(async (manager) => {
      const now = new Date();
      // Conditional, so two uses racing for one link can't both win.
      const claimed = await manager.update(
        PasswordResetToken,
        { id: found.id, usedAt: IsNull(), expiresAt: MoreThan(now) },
        { usedAt: now },
      );
      if (!claimed.affected) throw new BadRequestException([INVALID_PASSWORD_LINK]);
      if (!(await this.users.setPasswordFromLink(found.userId, passwordHash, manager))) {
        throw new BadRequestException([INVALID_PASSWORD_LINK]);
      }
      await manager.update(PasswordResetToken, { userId: found.userId, usedAt: IsNull() }, { usedAt: now });
      await this.audit.record(
        SYSTEM_ACTOR,
        { action: 'auth.password_reset', subjectType: 'user', subjectId: found.userId, details: { purpose: found.purpose } },
        manager,
      );
    });
  }

  private async findUsable(token: string): Promise<PasswordResetToken | null> {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return null;
    const row = await this.tokens.findOneBy({ tokenHash: hashToken(token) });
    if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) return null;
    return row;
  }

  private recentLinks(userId: string): Promise<number> {
    return this.tokens.countBy({ userId, createdAt: MoreThan(new Date(Date.now() - 60 * 60 * 1000)) });
  }

  /** Stores a new token and queues its email in one transaction, audited as `action`. */
  private async sendLink(
    actor: Actor,
    user: { id: string; email: string; role: StaffRole },
    purpose: PasswordTokenPurpose,
    action: string,
  ): Promise<void> {
    const token = randomBytes(32).toString('base64url');
    const ttl = purpose === 'invitation' ? INVITATION_LINK_TTL_MS : RESET_LINK_TTL_MS;
    const expiresAt = new Date(Date.now() + ttl);
    // The link travels sealed: the outbox row and the queue's copy outlive the email by days.
    const sealed = sealEmailSecrets(this.config.encryptionKey, {
      context: { link: new URL(`/reset-password/${token}`, this.config.publicUrl).href },
    });
    const email: SendEmailData =
      purpose === 'invitation'
        ? {
            to: user.email,
            template: 'staff-invitation',
            subject: `You're invited to ${this.config.brandName} on Goodword`,
            context: { expiresInHours: ttl / 3_600_000, roleLabel: ROLE_LABELS[user.role], email: user.email },
            sealed,
            kind: 'transactional',
          }
        : {
            to: user.email,
            template: 'password-reset',
            subject: `Reset your ${this.config.brandName} password`,
            context: { expiresInMinutes: ttl / 60_000 },
            sealed,
            kind: 'transactional',
          };
    await this.tokens.manager.transaction(async (manager) => {
      await manager.insert(PasswordResetToken, { userId: user.id, purpose, tokenHash: hashToken(token), expiresAt, usedAt: null });
      await this.outbox.add(manager, SEND_EMAIL_JOB, email);
      await this.audit.record(actor, { action, subjectType: 'user', subjectId: user.id, details: { purpose, sent: true } }, manager);
    });
    this.outbox.kick();
  }
}
