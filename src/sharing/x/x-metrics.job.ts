import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { JobHandler, JobProcessor, JobQueue } from '../../jobs';
import { X_METRICS_JOB } from './x-jobs';
import { XMetricsService } from './x-metrics.service';

/** How often worker processes ask for a metrics run (the 1-hour read happens within this of its time). */
export const X_METRICS_EVERY_MS = 10 * 60_000;

@Injectable()
@JobHandler(X_METRICS_JOB)
export class XMetricsProcessor implements JobProcessor<{ slot: string }> {
  constructor(private readonly metrics: XMetricsService) {}

  async process(): Promise<void> {
    await this.metrics.run();
  }
}

/**
 * Processes that run workers ask for a run at start and every 10 minutes; the job id (the 10-minute slot)
 * makes it one run per slot however many processes ask. Without X_BEARER_TOKEN nothing is asked, and the
 * log says so once.
 */
@Injectable()
export class XMetricsScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('XMetrics');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
    private readonly metrics: XMetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker) return;
    if (!this.metrics.enabled) {
      void this.metrics.run(); // logs once that X_BEARER_TOKEN is not set, reads nothing
      return;
    }
    void this.ask();
    this.timer = setInterval(() => void this.ask(), X_METRICS_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async ask(): Promise<void> {
    const slot = new Date(Math.floor(Date.now() / X_METRICS_EVERY_MS) * X_METRICS_EVERY_MS).toISOString();
    try {
      await this.jobs.enqueue(X_METRICS_JOB, { slot }, { jobId: `x-metrics-${slot.replace(/[:.]/g, '-')}` });
    } catch (error) {
      this.logger.warn({ msg: 'could not queue the X metrics run', error: (error as Error).message });
    }
  }
}
