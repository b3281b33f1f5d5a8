import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../database/columns';

/**
 * A machine credential sent as `X-Api-Key`. Only the SHA-256 of the key is stored (the key is 256 random
 * bits, so a fast hash is enough); the plain key is shown once, when it is created.
 */
@Entity('api_key')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The first characters of the key, shown in lists so people can tell keys apart. */
  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  /** Hex SHA-256 of the whole key. */
  @Index('uq_api_key_hash', { unique: true })
  @Column({ name: 'key_hash', type: 'varchar', length: 64, select: false })
  keyHash: string;

  @CreatedAtColumn()
  createdAt: Date;

  /** Actor id of the creator: a staff user id, or `cli:<command>` for keys made on the command line. */
  @Column({ name: 'created_by', type: 'varchar', length: 64, nullable: true })
  createdBy: string | null;

  /** Updated at most once a minute per key. */
  @TimestampColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @TimestampColumn({ name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
