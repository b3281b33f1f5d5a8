import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { isUUID } from 'class-validator';
import { AuditService } from '../audit/audit.service';
import { Actor, SYSTEM_ACTOR } from '../common/actor';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { EndedSessions } from './ended-sessions.repository';

/** Same words whatever went wrong, so the answer never tells whether an email is registered. */
export const INVALID_CREDENTIALS = 'Invalid email or password';

interface AccessTokenPayload {
  sub: string;
  /** A random id of this sign-in, so signing out can end this session alone. */
  sid?: string;
  /** The user's token version when the token was issued. */
  ver: number;
  typ: 'access';
}

/** Sign-in, access tokens and password change for staff. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly endedSessions: EndedSessions,
  ) {}

  /**
   * Checks an email and password; the same 401 for an unknown email, a wrong password or an inactive
   * account, in about the same time. Failures are audited with the user id when there is one, never the email.
   */
  async verifyLogin(email: string, password: string): Promise<User> {
    const { user, reason } = await this.users.verifyCredentials(email, password);
    if (user && reason === 'ok') return user;
    await this.audit.record(SYSTEM_ACTOR, {
      action: 'auth.login_failed',
      subjectType: user ? 'user' : undefined,
      subjectId: user?.id,
      details: { reason },
    });
    throw new UnauthorizedException(INVALID_CREDENTIALS);
  }

  /** After a successful check: records the sign-in and issues the access token. */
  async completeLogin(user: User): Promise<string> {
    await this.users.recordLogin(user.id);
    await this.audit.record({ type: 'staff', id: user.id, role: user.role }, { action: 'auth.login', subjectType: 'user', subjectId: user.id });
    return this.issueToken(user.id, user.tokenVersion);
  }

  /** A short-lived JWT bound to the user's current token version. */
  issueToken(userId: string, tokenVersion: number): Promise<string> {
    const payload: AccessTokenPayload = { sub: userId, sid: randomUUID(), ver: tokenVersion, typ: 'access' };
    return this.jwt.signAsync(payload);
  }

  /**
   * The staff actor behind a token, or null if the token is invalid or expired, the user is gone or
   * inactive, or the token predates a password change or logout everywhere. Checked against the
   * database on every request, so role, location and deactivation changes apply at once.
   */
  async authenticateToken(token: string): Promise<Actor | null> {
    let payload: AccessTokenPayload;
    try {
      payload = await this.jwt.verifyAsync<AccessTokenPayload>(token);
    } catch {
      return null;
    }
    if (payload.typ !== 'access' || typeof payload.sub !== 'string' || !isUUID(payload.sub) || typeof payload.ver !== 'number') {
      return null;
    }
    if (payload.sid !== undefined && (typeof payload.sid !== 'string' || (await this.endedSessions.has(payload.sid)))) return null;
    const user = await this.users.findAuthenticated(payload.sub);
    if (!user || user.tokenVersion !== payload.ver) return null;
    return { type: 'staff', id: user.id, role: user.role, ...(user.locationCodes ? { locationCodes: user.locationCodes } : {}) };
  }

  /** Changes the password, ends every other session and returns a fresh token for this one. */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<string> {
    await this.users.changePassword(actor, currentPassword, newPassword);
    return this.tokenForCurrentVersion(actor.id!);
  }

  /**
   * Signing out: the token stops working on the server too (a copied cookie included), until it would have
   * expired anyway. An invalid or expired token has nothing left to end.
   */
  async endSession(token: string | undefined): Promise<void> {
    if (!token) return;
    try {
      const payload = await this.jwt.verifyAsync<AccessTokenPayload & { exp: number }>(token);
      if (typeof payload.sid === 'string') await this.endedSessions.add(payload.sid, new Date(payload.exp * 1000));
    } catch {
      // nothing to end
    }
  }

  /** Ends every session of the acting user, this one included. */
  async logoutEverywhere(actor: Actor): Promise<void> {
    await this.users.invalidateTokens(actor);
  }

  private async tokenForCurrentVersion(userId: string): Promise<string> {
    const user = await this.users.findAuthenticated(userId);
    if (!user) throw new UnauthorizedException();
    return this.issueToken(user.id, user.tokenVersion);
  }
}
