import { Injectable } from '@nestjs/common';
import { firstNameOf } from '../campaigns/invitation-email';
import { AppConfig } from '../config/app-config';
import { CustomersService } from '../customers/customers.service';
import { OutboxService } from '../jobs/outbox.service';
import { sealEmailSecrets } from '../notifications/email-secrets';
import { SEND_EMAIL_JOB } from '../notifications/send-email.job';
import { PreferenceTokens } from '../preferences/preference-tokens.service';
import { RewardsRepository } from './rewards.repository';

/**
 * Sends an issued code by email, once: in one transaction it marks the code emailed (only if it wasn't)
 * and queues the email through the outbox, so racing workers, retries and a worker killed halfway all
 * end with exactly one email job. Transactional: the customer earned it, so it is not marketing and
 * doesn't count toward the message cap. The code and the preference link travel sealed.
 */
@Injectable()
export class SendRewardCode {
  constructor(
    private readonly rewards: RewardsRepository,
    private readonly customers: CustomersService,
    private readonly preferenceTokens: PreferenceTokens,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  /** True when this call queued the email; false when it was done before (or the code is gone or voided). */
  async execute(codeId: string, now = new Date()): Promise<boolean> {
    const queued = await this.rewards.transaction(async (manager) => {
      if (!(await this.rewards.markEmailed(manager, codeId, now))) return false;
      const code = (await this.rewards.codeById(codeId, manager))!;
      const offer = (await this.rewards.offerById(code.offerId, manager))!;
      const [customer] = await this.customers.findByIds([code.customerId!], manager);
      if (!customer?.email) return false;
      const to = customer.email;
      const preferencesUrl = `${this.config.publicUrl}/preferences/${await this.preferenceTokens.reveal(customer.id, manager)}/rewards`;
      await this.outbox.add(manager, SEND_EMAIL_JOB, {
        to,
        template: 'reward-code',
        subject: `Your thank-you: ${offer.description}`,
        kind: 'transactional',
        context: {
          firstName: firstNameOf(customer.name),
          description: offer.description,
          terms: offer.terms,
          expiresOn: offer.expiresAt ? new Date(offer.expiresAt).toISOString().slice(0, 10) : null,
        },
        sealed: sealEmailSecrets(this.config.encryptionKey, { context: { code: code.code, preferencesUrl } }),
      });
      return true;
    });
    if (queued) this.outbox.kick();
    return queued;
  }
}
