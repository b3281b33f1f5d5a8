import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn } from '../database/columns';

/**
 * One "email me a fresh link" request, counted for abuse limits per IP and per address. `bucket` is
 * `ip:` or `email:` + an HMAC with HASH_KEY: neither raw IP addresses nor emails are kept. Rows older
 * than a day are pruned.
 */
@Entity('link_request')
@Index('ix_link_request_bucket_time', ['bucket', 'createdAt'])
export class LinkRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 80 })
  bucket: string;

  @CreatedAtColumn()
  createdAt: Date;
}
