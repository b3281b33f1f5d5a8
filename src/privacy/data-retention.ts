import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../common/actor';
import { DAY_MS } from '../common/time/days';
import { AppConfig } from '../config/app-config';
import { CustomersService } from '../customers/customers.service';
import { FeedbackPrivacy } from '../feedback/feedback-privacy.service';
import { InvitationsService } from '../invitations/invitations.service';
import { defineJob, JobProcessor } from '../jobs/job';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue.service';
import { dailyJob, JobScheduler } from '../jobs/job-scheduler';
import { OutboxService } from '../jobs/outbox.service';
import { RecommendationsService } from '../recommendations/recommendations.service';
import { SettingsService } from '../settings/settings.service';
import { PasswordResetService } from '../users/password-reset.service';
import { DataExportToken } from './data-export-token.entity';

export const DATA_RETENTION_JOB = defineJob<{ day: string }>('privacy.data-retention', { attempts: 3, concurrency: 1 });
export const DATA_RETENTION_RUN = 'privacy.retention_run';

const CUSTOMER_BATCH = 500;

export interface RetentionOutcome {
  responsesAnonymised: number;
  customersAnonymised: number;
  approvalRequestsDeleted: number;
  invitationTokensDeleted: number;
  passwordTokensDeleted: number;
  outboxRowsDeleted: number;
  exportLinksDeleted: number;
}

/**
 * Carries out the setting `dataRetentionDays` (N) once a day: responses given more than N days ago lose
 * their comment, name and phone (score, segment and dates stay for NPS); customers not heard from for N
 * days lose their address, name and phone (the row and its scores stay); where approvals came from (IP,
 * browser) is deleted N days after the approval. Expired invitation and password links, and outbox rows
 * whose job ended, are deleted too. Raw click events have their own job (reach). Idempotent.
 */
@Injectable()
export class DataRetention {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: SettingsService,
    private readonly feedback: FeedbackPrivacy,
    private readonly customers: CustomersService,
    private readonly recommendations: RecommendationsService,
    private readonly invitations: InvitationsService,
    private readonly passwords: PasswordResetService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  async run(now = Date.now()): Promise<RetentionOutcome> {
    const { dataRetentionDays } = await this.settings.get();
    const cutoff = new Date(now - dataRetentionDays * DAY_MS);
    const outcome: RetentionOutcome = {
      responsesAnonymised: await this.feedback.anonymiseBefore(cutoff),
      customersAnonymised: 0,
      approvalRequestsDeleted: await this.recommendations.purgeApprovalRequestsBefore(cutoff),
      invitationTokensDeleted: await this.invitations.purgeExpiredTokens(this.dataSource.manager, new Date(now)),
      passwordTokensDeleted: await this.passwords.purgeExpired(new Date(now)),
      outboxRowsDeleted: await this.outbox.prune(now),
      exportLinksDeleted: (await this.dataSource.getRepository(DataExportToken).delete({ expiresAt: LessThan(new Date(now)) })).affected ?? 0,
    };
    for (;;) {
      const ids = await this.customers.idsInactiveSince(cutoff, CUSTOMER_BATCH);
      if (ids.length === 0) break;
      await this.dataSource.transaction(async (manager) => {
        for (const id of ids) await this.customers.eraseIdentity(manager, id);
      });
      outcome.customersAnonymised += ids.length;
    }
    // Audited when it changed something (ids and counts only); a day with nothing to do leaves no row.
    if (Object.values(outcome).some((n) => n > 0)) {
      await this.audit.record(SYSTEM_ACTOR, { action: DATA_RETENTION_RUN, details: { ...outcome, dataRetentionDays } });
    }
    return outcome;
  }
}

@Injectable()
@JobHandler(DATA_RETENTION_JOB)
export class DataRetentionProcessor implements JobProcessor<{ day: string }> {
  constructor(private readonly retention: DataRetention) {}

  async process(): Promise<void> {
    await this.retention.run();
  }
}

/** Worker processes ask for the day's run at start and hourly; the day is the job id. */
@Injectable()
export class DataRetentionScheduler extends JobScheduler {
  constructor(config: AppConfig, queue: JobQueue) {
    super(config, queue, [dailyJob(DATA_RETENTION_JOB, 'data-retention')]);
  }
}
