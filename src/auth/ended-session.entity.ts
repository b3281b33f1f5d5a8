import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';

/**
 * A signed-out session: its token (by the token's random session id) is refused until it would have expired
 * anyway, so a copied session cookie stops working at sign-out. Rows past `expires_at` are purged.
 */
@Entity('ended_session')
export class EndedSession {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  sid: string;

  @Index('ix_ended_session_expires_at')
  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;
}
