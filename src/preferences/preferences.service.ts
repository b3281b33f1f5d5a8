import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { AudienceChanges } from '../customers/audience-changes';
import { CustomersService } from '../customers/customers.service';
import { CustomerPreference } from './customer-preference.entity';
import { PreferenceTokens } from './preference-tokens.service';
import { SuppressionList } from './suppression-list.service';
import { SuppressionSource } from './suppression.entity';

/** What the preference page shows. Never the address itself: a hint is enough to recognise it. */
export interface PreferenceView {
  customerId: string;
  emailHint: string;
  /** The answer to the marketing question recorded by the feedback source (principle 2: needed for any marketing email). */
  consentRecorded: boolean;
  /** Invitations and other marketing email: the recorded consent, unless the customer opted out here. */
  marketingEmail: boolean;
  rewards: boolean;
}

export interface PreferenceChoice {
  marketingEmail?: boolean;
  rewards?: boolean;
}

export const MARKETING_EMAIL_CHANGE = 'customer.marketing_email_change';
export const REWARDS_CHANGE = 'customer.rewards_change';

const customerActor = (customerId: string): Actor => ({ type: 'customer', id: customerId });

/**
 * The customer's own choices, reached through their preference token. Opting out puts the address
 * on the suppression list at once; every sender re-checks that list right before sending. Every
 * change is audited with the customer id only.
 */
@Injectable()
export class PreferencesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: PreferenceTokens,
    private readonly suppression: SuppressionList,
    private readonly customers: CustomersService,
    private readonly audit: AuditService,
    private readonly audience: AudienceChanges,
  ) {}

  /** The page's data for a token, or null for an unknown or revoked token (or an erased customer). */
  async view(token: unknown): Promise<PreferenceView | null> {
    const customerId = await this.tokens.resolve(token);
    return customerId ? this.viewOf(customerId) : null;
  }

  /** Applies the page's form; returns the new view, or null for a token that isn't valid. */
  async update(token: unknown, choice: PreferenceChoice): Promise<PreferenceView | null> {
    const customerId = await this.tokens.resolve(token);
    if (!customerId) return null;
    const [customer] = await this.customers.findByIds([customerId]);
    if (!customer?.email) return null;
    const email = customer.email;
    await this.dataSource.transaction(async (manager) => {
      if (choice.marketingEmail === false) {
        await this.optOut(manager, customerId, email, 'preferences');
      } else if (choice.marketingEmail === true && customer.marketingConsent) {
        // Only the consent the survey recorded can be restored; the page offers nothing else.
        if (await this.suppression.remove(manager, email)) {
          await this.audit.record(
            customerActor(customerId),
            { action: MARKETING_EMAIL_CHANGE, subjectType: 'customer', subjectId: customerId, details: { marketingEmail: true, via: 'preferences' } },
            manager,
          );
        }
      }
      if (choice.rewards !== undefined) await this.setRewards(manager, customerId, choice.rewards);
    });
    if (choice.marketingEmail !== undefined) this.audience.changed();
    return this.viewOf(customerId);
  }

  /**
   * RFC 8058 one-click unsubscribe: no confirmation, effective at once (queued invitations are
   * re-checked against the list right before they are sent). False for a token that isn't valid.
   */
  async unsubscribe(token: unknown, via: SuppressionSource = 'one_click'): Promise<boolean> {
    const customerId = await this.tokens.resolve(token);
    if (!customerId) return false;
    const [customer] = await this.customers.findByIds([customerId]);
    const email = customer?.email;
    if (!email) return false;
    await this.dataSource.transaction((manager) => this.optOut(manager, customerId, email, via));
    this.audience.changed();
    return true;
  }

  /** Whether the customer opted in to rewards (for the rewards capability). */
  async rewardsOptIn(customerId: string): Promise<boolean> {
    const row = await this.dataSource.manager.findOneBy(CustomerPreference, { customerId });
    return row?.rewardsOptIn ?? false;
  }

  /** The customer turned rewards off on this page after having them on: no future rewards are offered. */
  async rewardsOptedOut(customerId: string): Promise<boolean> {
    const row = await this.dataSource.manager.findOneBy(CustomerPreference, { customerId });
    return row !== null && !row.rewardsOptIn;
  }

  /** The customer accepted a reward on their write step (in the approval's transaction): recorded and audited as an opt-in. */
  async acceptRewards(manager: EntityManager, customerId: string): Promise<void> {
    await this.setRewards(manager, customerId, true);
  }

  private async viewOf(customerId: string): Promise<PreferenceView | null> {
    const [customer] = await this.customers.findByIds([customerId]);
    if (!customer?.email) return null;
    const suppressed = await this.suppression.isSuppressed(customer.email);
    return {
      customerId,
      emailHint: hintOf(customer.email),
      consentRecorded: customer.marketingConsent,
      marketingEmail: customer.marketingConsent && !suppressed,
      rewards: await this.rewardsOptIn(customerId),
    };
  }

  private async optOut(manager: EntityManager, customerId: string, email: string, via: SuppressionSource): Promise<void> {
    if (!(await this.suppression.add(manager, customerId, email, via))) return; // already opted out: nothing changes
    await this.audit.record(
      customerActor(customerId),
      { action: MARKETING_EMAIL_CHANGE, subjectType: 'customer', subjectId: customerId, details: { marketingEmail: false, via } },
      manager,
    );
  }

  private async setRewards(manager: EntityManager, customerId: string, rewards: boolean): Promise<void> {
    const current = await manager.findOneBy(CustomerPreference, { customerId });
    if ((current?.rewardsOptIn ?? false) === rewards) return;
    await manager.upsert(CustomerPreference, { customerId, rewardsOptIn: rewards, updatedAt: new Date() }, ['customerId']);
    await this.audit.record(
      customerActor(customerId),
      { action: REWARDS_CHANGE, subjectType: 'customer', subjectId: customerId, details: { rewards } },
      manager,
    );
  }
}

/** `a•••@example.com`: enough for the owner to recognise, little for anyone else. */
export function hintOf(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email[0]}•••${email.slice(at)}`;
}
