import { isUniqueViolation } from '../common/database/unique-violation';
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, SYSTEM_ACTOR, StaffRole } from '../common/actor';
import { hasInvisibles } from '../common/text/invisible-characters';
import { isSendableAddress } from '../notifications';
import { Location } from '../locations/location.entity';
import { LocationsService } from '../locations/locations.service';
import { generatePassword, hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords';
import { STAFF_ROLES, User } from './user.entity';
import { toUserView, UserView } from './user.view';
import { UsersRepository } from './users.repository';

export interface CreateUserInput {
  email: string;
  role: StaffRole;
  /** Location codes, case-insensitive. Required (at least one) for dealers; not allowed for other roles. */
  locationCodes?: string[];
  /** Omit to have a strong password generated; it is returned once. */
  password?: string;
}

export interface UpdateUserInput {
  role?: StaffRole;
  locationCodes?: string[];
  active?: boolean;
}

/** The authenticated identity the auth guard builds an Actor from. */
export interface AuthenticatedUser {
  id: string;
  role: StaffRole;
  tokenVersion: number;
  /** Dealers only: their location codes. */
  locationCodes?: string[];
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/**
 * Staff accounts: the rules live here so the JSON API, the staff pages and the CLI apply the same ones.
 * Errors are Nest HTTP exceptions (400 bad input, 404, 409 conflict); the CLI prints their message.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly locations: LocationsService,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(toUserView);
  }

  async get(id: string): Promise<UserView> {
    return toUserView(await this.require(id));
  }

  /** Creates a staff user. Returns the generated password (once) when none was given. */
  async create(actor: Actor, input: CreateUserInput): Promise<{ user: UserView; password?: string }> {
    const email = normaliseEmail(input.email ?? '');
    // An address the mailer can send to: a user who never gets the invitation email can't choose a password.
    if (!isEmail(email) || !isSendableAddress(email) || hasInvisibles(email)) throw new BadRequestException(['email must be an email address']);
    this.assertRole(input.role);
    const generated = input.password === undefined ? generatePassword() : undefined;
    const password = input.password ?? generated!;
    const problem = passwordProblem(password);
    if (problem) throw new BadRequestException([problem]);
    const locations = await this.locationsFor(input.role, input.locationCodes ?? []);
    const passwordHash = await hashPassword(password);

    const user = await this.users
      .transaction(async (manager) => {
        if (await this.users.emailExists(email, manager)) throw this.duplicateEmail();
        const saved = await this.users.save(this.users.create({ email, role: input.role, passwordHash, locations }), manager);
        await this.audit.record(
          actor,
          { action: 'user.create', subjectType: 'user', subjectId: saved.id, details: { role: saved.role } },
          manager,
        );
        return saved;
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? this.duplicateEmail() : error;
      });
    const view = toUserView((await this.users.findById(user.id))!);
    return generated ? { user: view, password: generated } : { user: view };
  }

  /** Changes role, assigned locations or the active flag; audits the names of the fields that changed. */
  async update(actor: Actor, id: string, input: UpdateUserInput): Promise<UserView> {
    if (input.role !== undefined) this.assertRole(input.role);
    return this.users.transaction(async (manager) => {
      // Lock first, read after, so concurrent changes are judged one after the other on committed rows:
      // the active admins when this change could take one away (two admins deactivating each other),
      // then the user's own row (two edits of one user must not overwrite each other).
      const mayRemoveAdmin = input.active === false || input.role !== undefined;
      const admins = mayRemoveAdmin ? await this.users.activeAdminIds(manager) : undefined;
      await this.users.lock(id, manager);
      const user = await this.require(id, manager);
      const role = input.role ?? user.role;
      const currentCodes = user.locations.map((l) => l.code).sort();
      let locations: Location[];
      if (input.locationCodes !== undefined) locations = await this.locationsFor(role, input.locationCodes);
      else if (role !== 'dealer') locations = [];
      else locations = await this.locationsFor(role, currentCodes);
      const nextCodes = locations.map((l) => l.code).sort();

      const changed: string[] = [];
      if (role !== user.role) changed.push('role');
      if (nextCodes.join('\n') !== currentCodes.join('\n')) changed.push('locations');
      if (input.active !== undefined && input.active !== user.active) changed.push('active');
      if (changed.length === 0) return toUserView(user);

      const active = input.active ?? user.active;
      if (user.role === 'admin' && user.active && !(role === 'admin' && active)) {
        const remaining = (admins ?? (await this.users.activeAdminIds(manager))).filter((adminId) => adminId !== user.id);
        if (remaining.length === 0) throw new ConflictException('At least one active admin must remain');
      }
      user.role = role;
      user.locations = locations;
      user.active = active;
      await this.users.save(user, manager);
      // Deactivation ends every session now, and reactivation does not bring old tokens back.
      if (changed.includes('active') && !active) await this.users.bumpTokenVersion(user.id, manager);

      await this.audit.record(
        actor,
        { action: 'user.update', subjectType: 'user', subjectId: user.id, details: { fields: changed } },
        manager,
      );
      return toUserView((await this.users.findById(user.id, manager))!);
    });
  }

  /**
   * Email + password check for sign-in. Takes about the same time whether or not the email exists.
   * Returns the user only when the password matches and the account is active.
   */
  async verifyCredentials(
    email: string,
    password: string,
  ): Promise<{ user: User | null; reason: 'ok' | 'unknown_user' | 'bad_password' | 'inactive' }> {
    const user = await this.users.findByEmailWithPassword(normaliseEmail(email));
    if (!user) {
      await verifyAgainstDummy(password);
      return { user: null, reason: 'unknown_user' };
    }
    const matches = await verifyPassword(user.passwordHash, password);
    if (!matches) return { user, reason: 'bad_password' };
    if (!user.active) return { user, reason: 'inactive' };
    return { user, reason: 'ok' };
  }

  /** For the auth guard: the user behind a token, if it is still active and the token still current. */
  async findAuthenticated(id: string): Promise<AuthenticatedUser | null> {
    const user = await this.users.findForAuthentication(id);
    if (!user || !user.active) return null;
    return {
      id: user.id,
      role: user.role,
      tokenVersion: user.tokenVersion,
      locationCodes: user.role === 'dealer' ? user.locations.map((l) => l.code).sort() : undefined,
    };
  }

  recordLogin(id: string): Promise<void> {
    return this.users.recordLogin(id, new Date());
  }

  /** Checks the current password, stores the new one and invalidates every token issued so far. */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const id = this.staffId(actor);
    const hash = await this.users.findPasswordHash(id);
    if (!hash || !(await verifyPassword(hash, currentPassword))) {
      throw new BadRequestException(['currentPassword is not correct']);
    }
    const problem = passwordProblem(newPassword);
    if (problem) throw new BadRequestException([problem.replace(/^password/, 'newPassword')]);
    await this.users.setPassword(id, await hashPassword(newPassword));
    await this.audit.record(actor, { action: 'auth.password_change', subjectType: 'user', subjectId: id });
  }

  /** For emailed password links: the account behind an email, active or not, or null. */
  async findByEmail(email: string): Promise<Pick<User, 'id' | 'email' | 'role' | 'active'> | null> {
    const user = await this.users.findByEmail(normaliseEmail(email ?? ''));
    return user ? { id: user.id, email: user.email, role: user.role, active: user.active } : null;
  }

  /** Checks the password rules and hashes it (slow: do it before opening a transaction). */
  async preparePassword(password: string): Promise<string> {
    const problem = passwordProblem(password ?? '');
    if (problem) throw new BadRequestException([problem]);
    return hashPassword(password);
  }

  /**
   * Stores a password (hashed by `preparePassword`) chosen through an emailed one-time link, which the
   * caller has checked inside `manager`'s transaction. Every token issued so far stops working.
   * False when the user is gone or inactive.
   */
  setPasswordFromLink(userId: string, passwordHash: string, manager: EntityManager): Promise<boolean> {
    return this.users.setPasswordIfActive(userId, passwordHash, manager);
  }

  /** Ends every session of this user (all tokens issued so far stop working). */
  async invalidateTokens(actor: Actor, userId: string = this.staffId(actor)): Promise<void> {
    await this.users.bumpTokenVersion(userId);
    await this.audit.record(actor, { action: 'auth.logout_everywhere', subjectType: 'user', subjectId: userId });
  }

  private async require(id: string, manager?: EntityManager): Promise<User> {
    const user = await this.users.findById(id, manager);
    if (!user) throw new NotFoundException(`No user with id ${id}`);
    return user;
  }

  private staffId(actor: Actor): string {
    if (actor.type !== 'staff' || !actor.id) throw new BadRequestException(['Only a signed-in staff user can do this']);
    return actor.id;
  }

  private assertRole(role: StaffRole): void {
    if (!STAFF_ROLES.includes(role)) throw new BadRequestException([`role must be one of ${STAFF_ROLES.join(', ')}`]);
  }

  /** Dealers need at least one known location; other roles see every location and take none. */
  private async locationsFor(role: StaffRole, codes: string[]): Promise<Location[]> {
    const wanted = [...new Set(codes.map((c) => String(c).trim().toUpperCase()).filter(Boolean))];
    if (role !== 'dealer') {
      if (wanted.length > 0) throw new BadRequestException(['locations can only be assigned to dealers']);
      return [];
    }
    if (wanted.length === 0) throw new BadRequestException(['a dealer needs at least one location']);
    const found = await this.locations.list({ ...SYSTEM_ACTOR, locationCodes: wanted });
    const known = new Set(found.map((l) => l.code));
    const unknown = wanted.filter((code) => !known.has(code));
    if (unknown.length > 0) throw new BadRequestException([`Unknown location codes: ${unknown.join(', ')}`]);
    return found;
  }

  private duplicateEmail(): ConflictException {
    return new ConflictException('A user with this email already exists');
  }
}
