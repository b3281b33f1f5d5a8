import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { User } from './user.entity';

/** Staff users and their location assignments (`user_location`). */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly repo: Repository<User>) {}

  /** With assigned locations, without the password hash. */
  findById(id: string, manager: EntityManager = this.repo.manager): Promise<User | null> {
    return manager.findOne(User, { where: { id }, relations: { locations: true } });
  }

  /** What the auth guard needs on every request: one indexed query, no password hash. */
  findForAuthentication(id: string): Promise<User | null> {
    return this.repo.findOne({
      where: { id },
      relations: { locations: true },
      select: { id: true, role: true, active: true, tokenVersion: true, locations: { id: true, code: true } },
    });
  }

  /** For sign-in: the user with the password hash, by normalised email. */
  findByEmailWithPassword(email: string): Promise<User | null> {
    return this.repo
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      .getOne();
  }

  findPasswordHash(id: string): Promise<string | null> {
    return this.repo
      .createQueryBuilder('u')
      .select('u.id')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id })
      .getOne()
      .then((user) => user?.passwordHash ?? null);
  }

  list(): Promise<User[]> {
    return this.repo.find({ relations: { locations: true }, order: { email: 'ASC' } });
  }

  emailExists(email: string, manager: EntityManager = this.repo.manager): Promise<boolean> {
    return manager.exists(User, { where: { email } });
  }

  /**
   * Ids of active admins. On PostgreSQL the rows are locked (in id order, so no deadlock) until the
   * transaction ends: two admins demoting each other at once cannot leave the system without one.
   */
  async activeAdminIds(manager: EntityManager): Promise<string[]> {
    const query = manager
      .createQueryBuilder(User, 'u')
      .select('u.id')
      .where('u.role = :role AND u.active = :active', { role: 'admin', active: true })
      .orderBy('u.id');
    if (manager.connection.options.type === 'postgres') query.setLock('pessimistic_write');
    return (await query.getMany()).map((u) => u.id);
  }

  /** Locks this user's row until the transaction ends (PostgreSQL; SQLite transactions take turns anyway). */
  async lock(id: string, manager: EntityManager): Promise<void> {
    if (manager.connection.options.type !== 'postgres') return;
    await manager.createQueryBuilder(User, 'u').select('u.id').where('u.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  create(values: Partial<User>): User {
    return this.repo.create(values);
  }

  save(user: User, manager: EntityManager = this.repo.manager): Promise<User> {
    return manager.save(User, user);
  }

  /** New hash and a new token version: every token issued before stops working. */
  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update(User)
      .set({ passwordHash, tokenVersion: () => 'token_version + 1' })
      .where('id = :id', { id })
      .execute();
  }

  /** As `setPassword`, but only for an active user; true when a row changed. */
  async setPasswordIfActive(id: string, passwordHash: string, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(User)
      .set({ passwordHash, tokenVersion: () => 'token_version + 1' })
      .where('id = :id AND active = :active', { id, active: true })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** By normalised email, without the password hash. */
  findByEmail(email: string): Promise<User | null> {
    return this.repo.findOneBy({ email });
  }

  async bumpTokenVersion(id: string, manager: EntityManager = this.repo.manager): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(User)
      .set({ tokenVersion: () => 'token_version + 1' })
      .where('id = :id', { id })
      .execute();
  }

  async recordLogin(id: string, at: Date): Promise<void> {
    // A plain UPDATE: signing in is not an edit, so updated_at stays as it was.
    await this.repo
      .createQueryBuilder()
      .update(User)
      .set({ lastLoginAt: at, updatedAt: () => 'updated_at' })
      .where('id = :id', { id })
      .execute();
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(work);
  }
}
