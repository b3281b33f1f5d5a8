import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../database/columns';
import { Recommendation } from './recommendation.entity';

/**
 * Where an approval came from (IP address and browser), kept apart from the consent evidence so that
 * erasing the customer deletes this row and leaves the recommendation's hash and time.
 */
@Entity('recommendation_approval_request')
export class ApprovalRequest {
  @PrimaryColumn({ name: 'recommendation_id', type: 'uuid' })
  recommendationId: string;

  @OneToOne(() => Recommendation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'fk_approval_request_recommendation' })
  recommendation?: Recommendation;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 500, nullable: true })
  userAgent: string | null;

  @CreatedAtColumn()
  createdAt: Date;
}
