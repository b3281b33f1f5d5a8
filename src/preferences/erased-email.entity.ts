import { Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../database/columns';

/**
 * Addresses erased on request (GDPR Art. 17), as HMAC-SHA256(normalised email, HASH_KEY) like the
 * suppression list: the customer is never invited again and re-imported feedback from the address is
 * skipped ("erased on request") without keeping the address itself.
 */
@Entity('erased_email')
export class ErasedEmail {
  @PrimaryColumn({ name: 'email_hash', type: 'varchar', length: 64 })
  emailHash: string;

  @CreatedAtColumn()
  createdAt: Date;
}
