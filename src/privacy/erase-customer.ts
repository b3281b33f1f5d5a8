import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { AudienceChanges } from '../customers/audience-changes';
import { CustomersService } from '../customers/customers.service';
import { FeedbackPrivacy } from '../feedback/feedback-privacy.service';
import { InvitationsService } from '../invitations/invitations.service';
import { JobQueue } from '../jobs/job-queue.service';
import { OutboxService } from '../jobs/outbox.service';
import { OutboxFolder } from '../notifications/outbox-folder';
import { ErasureList } from '../preferences/erasure-list.service';
import { RecommendationsService } from '../recommendations/recommendations.service';
import { RewardCodesService } from '../rewards/reward-codes.service';
import { DataExportToken } from './data-export-token.entity';

export interface EraseInput {
  email: string;
  /** Delete the posts made through Goodword on the customer's X account (always, when the customer erases). */
  deleteXPosts: boolean;
}

export interface EraseResult {
  /** The erased customer's id; null when no customer had this address (it is still never stored again). */
  customerId: string | null;
  recommendations: number;
  invitations: number;
  outboxRows: number;
  queuedJobs: number;
  emailFiles: number;
  /** Survey exports waiting for their mapping that named the address. */
  stagedUploads: number;
}

export const CUSTOMER_ERASE = 'customer.erase';

/**
 * Erasure on request (GDPR Art. 17). In one transaction: the recommendations lose their words, name and
 * approving request (their links stop, X posts are deleted by a job when asked), responses lose comment,
 * name and phone, unsent invitations are cancelled and every link revoked, pending and kept emails to the
 * address leave the outbox table, the address joins the erased list (HMAC) and the customer row keeps only
 * its id and scores (counts and rollups add up as before). After the commit the queued jobs, `.eml` files
 * and survey exports waiting for their mapping that hold the address are removed. Audited with ids and counts only.
 */
@Injectable()
export class EraseCustomer {
  private readonly logger = new Logger(EraseCustomer.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly feedback: FeedbackPrivacy,
    private readonly invitations: InvitationsService,
    private readonly recommendations: RecommendationsService,
    private readonly rewardCodes: RewardCodesService,
    private readonly erasures: ErasureList,
    private readonly outbox: OutboxService,
    private readonly jobs: JobQueue,
    private readonly folder: OutboxFolder,
    private readonly audit: AuditService,
    private readonly audience: AudienceChanges,
  ) {}

  /** Self-service from the preference page: the token's customer, X posts always deleted. */
  async forCustomer(customerId: string): Promise<EraseResult | null> {
    const [customer] = await this.customers.findByIds([customerId]);
    if (!customer?.email || customer.email.startsWith('erased:')) return null;
    return this.execute({ type: 'customer', id: customerId }, { email: customer.email, deleteXPosts: true });
  }

  async execute(actor: Actor, input: EraseInput): Promise<EraseResult> {
    const email = input.email.trim().toLowerCase();
    // Only the address identifies the customer's messages reliably: a name or phone could match someone else's.
    const needles = [email];
    const result = await this.dataSource.transaction(async (manager) => {
      const customer = await this.customers.findForErasure(manager, email);
      await this.erasures.add(manager, customer?.id ?? null, email);
      const outboxRows = await this.outbox.removeContaining(manager, needles);
      if (!customer) {
        await this.audit.record(actor, { action: CUSTOMER_ERASE, details: { found: false, outboxRows } }, manager);
        return { customerId: null, recommendations: 0, invitations: 0, outboxRows };
      }
      const recommendations = await this.recommendations.eraseForCustomer(manager, customer.id, { deleteXPosts: input.deleteXPosts });
      await this.feedback.eraseResponsesOf(manager, customer.id);
      await this.rewardCodes.eraseForCustomer(manager, customer.id);
      const invitations = (await this.invitations.closeForCustomer(manager, customer.id)).length;
      await this.customers.eraseIdentity(manager, customer.id);
      await manager.delete(DataExportToken, { customerId: customer.id });
      await this.audit.record(
        actor,
        {
          action: CUSTOMER_ERASE,
          subjectType: 'customer',
          subjectId: customer.id,
          details: { recommendations, invitations, outboxRows, deleteXPosts: input.deleteXPosts },
        },
        manager,
      );
      return { customerId: customer.id, recommendations, invitations, outboxRows };
    });
    this.recommendations.kick();
    this.outbox.kick();
    this.audience.changed();
    let queuedJobs = 0;
    let emailFiles = 0;
    let stagedUploads = 0;
    try {
      queuedJobs = await this.jobs.removeContaining(needles);
      emailFiles = await this.folder.removeContaining(needles);
      stagedUploads = await this.feedback.removeUploadsContaining(needles);
    } catch (error) {
      // The database part is done and audited; say so, so an operator can clean the queue by hand.
      this.logger.error({ msg: 'erasure: could not clean the job queue, the outbox folder or the staged uploads', customerId: result.customerId, error: (error as Error).message });
      throw error;
    }
    this.logger.log({ msg: 'customer erased', ...result, queuedJobs, emailFiles, stagedUploads });
    return { ...result, queuedJobs, emailFiles, stagedUploads };
  }
}
