import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { UpdatedAtColumn } from '../database/columns';

/** Choices a customer made on their preference page that no feedback source records: rewards (opt-in, principle 4). */
@Entity('customer_preference')
export class CustomerPreference {
  @PrimaryColumn({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @OneToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_customer_preference_customer' })
  customer?: Customer;

  @Column({ name: 'rewards_opt_in', type: 'boolean', default: false })
  rewardsOptIn: boolean;

  @UpdatedAtColumn()
  updatedAt: Date;
}
