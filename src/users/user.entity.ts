import { Check, Column, Entity, Index, JoinTable, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { StaffRole } from '../common/actor';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '../database/columns';
import { Location } from '../locations/location.entity';

export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'marketer', 'dealer'];

/**
 * A staff member who signs in. The table is `staff_user` (`user` is reserved in PostgreSQL).
 * Dealers are assigned locations through `user_location`; other roles see every location.
 */
@Entity('staff_user')
@Check('ck_staff_user_role', `"role" IN ('admin', 'marketer', 'dealer')`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Trimmed and lower-cased before it is stored or looked up. */
  @Index('uq_staff_user_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** argon2id (PHC string). Not selected unless asked for, so it never leaks into a response by accident. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: StaffRole;

  /** Inactive users cannot sign in, and their tokens stop working at once. */
  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Part of every JWT; bumping it (password change, logout everywhere) invalidates all issued tokens. */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion: number;

  @TimestampColumn({ name: 'last_login_at', nullable: true })
  lastLoginAt: Date | null;

  @ManyToMany(() => Location, { onDelete: 'CASCADE' })
  @JoinTable({
    name: 'user_location',
    joinColumn: { name: 'user_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_user_location_user' },
    inverseJoinColumn: {
      name: 'location_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'fk_user_location_location',
    },
  })
  locations: Location[];

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
