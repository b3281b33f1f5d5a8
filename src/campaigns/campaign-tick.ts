import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { AudienceChanges } from '../customers/audience-changes';
import { JobQueue } from '../jobs/job-queue.service';
import { LinkRateLimiter } from '../preferences/link-rate-limiter.service';
import { CAMPAIGN_FAN_OUT_JOB, CAMPAIGN_TICK_JOB } from './campaign.jobs';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { FanOutCampaign } from './fan-out-campaign';
import { ScheduleReminders } from './schedule-reminders';

/** How often running campaigns are looked at (new eligible customers, reminders, opening sending hours). */
export const TICK_INTERVAL_MS = 2 * 60_000;
/** A claimed message not sent after this long (and not leased) is queued again. */
export const UNSENT_GRACE_MS = 10 * 60_000;

/**
 * One round over the running campaigns: ends those past their end date, queues a fan-out for the
 * others that have started, claims due reminders and re-queues messages whose worker seems gone.
 * Runs as a job, so one worker does each round however many processes there are.
 */
@Injectable()
export class CampaignTick {
  private readonly logger = new Logger(CampaignTick.name);

  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly service: CampaignsService,
    private readonly fanOut: FanOutCampaign,
    private readonly reminders: ScheduleReminders,
    private readonly limiter: LinkRateLimiter,
    private readonly jobs: JobQueue,
  ) {}

  /**
   * `requeueUnsent`: Redis lost its jobs, so unsent messages are queued again now, not after the grace
   * period. `key` names the round or kick; the fan-out job id carries it (one fan-out per campaign and key).
   */
  async run(now = new Date(), options: { requeueUnsent?: boolean; key?: string } = {}): Promise<void> {
    const key = options.key ?? `t${Math.floor(now.getTime() / TICK_INTERVAL_MS)}`;
    const requeueUnsent = options.requeueUnsent === true;
    for (const campaign of await this.campaigns.findByStatus(['running'])) {
      try {
        if (campaign.endsAt && campaign.endsAt <= now) {
          await this.service.end(SYSTEM_ACTOR, campaign.id);
          continue;
        }
        if (campaign.startsAt && campaign.startsAt > now) continue;
        const jobId = requeueUnsent ? `fanout-${campaign.id}-lost${now.getTime()}` : `fanout-${campaign.id}-${key}`;
        await this.jobs.enqueue(CAMPAIGN_FAN_OUT_JOB, { campaignId: campaign.id, requeueUnsent }, { jobId });
        await this.reminders.execute(campaign, now);
        await this.fanOut.requeueUnsent(campaign.id, new Date(now.getTime() - UNSENT_GRACE_MS), now);
      } catch (error) {
        // One broken campaign must not hold up the others; the next round tries it again.
        this.logger.error({ msg: 'campaign tick failed for a campaign', campaignId: campaign.id, error: (error as Error).message });
      }
    }
    await this.limiter.prune(now);
  }
}

/** Kicks closer together than this (in one process) are answered by one tick at the end of the gap. */
export const KICK_GAP_MS = 5_000;

/**
 * Starts a tick every TICK_INTERVAL_MS in processes that run workers. Every such process asks;
 * the job id (the round number) makes it one tick per round. `kick()` asks for one now: it runs
 * whenever customers may have become eligible (a feedback import batch, a webhook call, marketing
 * email turned back on or off — AudienceChanges), so new promoters are invited within seconds.
 */
@Injectable()
export class CampaignScheduler implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CampaignScheduler.name);
  private timer?: NodeJS.Timeout;
  private trailing?: NodeJS.Timeout;
  private lastKick = 0;
  private unlisten?: () => void;

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
    private readonly audience: AudienceChanges,
  ) {}

  onModuleInit(): void {
    // Invite batches and send jobs live only in Redis: after it lost them, a tick re-finds the customers
    // not invited yet and queues every unsent message again at once (sending twice is prevented by the
    // invitation's state and lease), instead of after UNSENT_GRACE_MS.
    this.jobs.onDataLoss(() => this.jobs.enqueue(CAMPAIGN_TICK_JOB, { requeueUnsent: true }, { jobId: `tick-lost-${Date.now()}` }));
    this.unlisten = this.audience.listen(() => this.kick());
  }

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker) return;
    this.timer = setInterval(() => void this.tick(`t${Math.floor(Date.now() / TICK_INTERVAL_MS)}`), TICK_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.unlisten?.();
    clearInterval(this.timer);
    clearTimeout(this.trailing);
    // A producer-only process (the CLI, an api process) leaving within the gap: its last changes still get
    // their round. A process with workers leaves that to the next round rather than start one while closing.
    if (this.trailing && !this.config.runsWorker) await this.kickNow();
    this.trailing = undefined;
  }

  /**
   * Asks for a tick now. A large import calls this after every batch: kicks within KICK_GAP_MS of the
   * last one become one tick at the end of the gap (so the last batch is still seen), and the job id
   * (the second) makes it at most one per second across processes.
   */
  kick(): void {
    if (this.trailing) return;
    const wait = this.lastKick + KICK_GAP_MS - Date.now();
    if (wait <= 0) return void this.kickNow();
    this.trailing = setTimeout(() => {
      this.trailing = undefined;
      void this.kickNow();
    }, wait);
    this.trailing.unref();
  }

  private async kickNow(): Promise<void> {
    this.lastKick = Date.now();
    // A CLI import without Redis has no queue that outlives it: the workers' next round finds the customers.
    if (!this.config.runsWorker && !this.config.redisUrl) return;
    await this.tick(`k${Math.floor(this.lastKick / 1000)}`);
  }

  private async tick(key: string): Promise<void> {
    try {
      await this.jobs.enqueue(CAMPAIGN_TICK_JOB, { key }, { jobId: `tick-${key}` });
    } catch (error) {
      this.logger.warn({ msg: 'could not queue the campaign tick', error: (error as Error).message });
    }
  }
}
