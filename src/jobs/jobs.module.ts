import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { BullmqDriver } from './bullmq.driver';
import { InProcessDriver } from './in-process.driver';
import { JobExecutor } from './job-executor.service';
import { JobQueue } from './job-queue.service';
import { JobRegistry } from './job-registry.service';
import { JOBS_MODULE_DEFAULTS, JOBS_MODULE_OPTIONS, JobsModuleOptions } from './jobs-options';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxService } from './outbox.service';
import { QUEUE_DRIVER, QueueDriver } from './queue-driver';

/** BullMQ when REDIS_URL is set (shared by every process), else an in-memory queue in this one process. */
function createDriver(config: AppConfig, executor: JobExecutor, options?: JobsModuleOptions): QueueDriver {
  if (!config.redisUrl) return new InProcessDriver(executor);
  const { enqueueTimeoutMs } = { ...JOBS_MODULE_DEFAULTS, ...options };
  return new BullmqDriver({ redisUrl: config.redisUrl, prefix: config.queuePrefix, enqueueTimeoutMs }, executor);
}

/**
 * Background jobs for every module: `JobQueue` to enqueue now, `OutboxService` to enqueue with a
 * database transaction. Processors are `@JobHandler(JOB)` providers, found at bootstrap; they run
 * only where the role includes the worker. Needs ConfigModule and DatabaseModule.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    JobRegistry,
    JobExecutor,
    {
      provide: QUEUE_DRIVER,
      inject: [AppConfig, JobExecutor, { token: JOBS_MODULE_OPTIONS, optional: true }],
      useFactory: createDriver,
    },
    JobQueue,
    OutboxRelay,
    OutboxService,
  ],
  exports: [JobQueue, OutboxService],
})
export class JobsModule implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  /** Same module with tuned timings (tests: a short outbox poll, or none). */
  static withOptions(options: JobsModuleOptions): DynamicModule {
    return { module: JobsModule, providers: [{ provide: JOBS_MODULE_OPTIONS, useValue: options }] };
  }

  constructor(
    private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    @Inject(QUEUE_DRIVER) private readonly driver: QueueDriver,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    // Misdeclared handlers stop the boot here rather than at the first enqueue.
    this.registry.load();
    this.driver.setLifecycle(this.relay);
    this.driver.onDataLoss(async () => void (await this.relay.requeueDispatched()));
  }

  async onApplicationBootstrap(): Promise<void> {
    // After every module's onModuleInit, so handlers' own dependencies are ready.
    if (this.config.runsWorker) await this.driver.startWorkers(this.registry.all());
    this.relay.start();
    // Every module's loss listener (registered through JobQueue.onDataLoss in onModuleInit) is in by now.
    this.driver.watchForDataLoss();
  }

  /**
   * JobsModule is global, so this runs after the other modules' destroy hooks (Nest destroys in reverse
   * bootstrap order, globals last). Running jobs finish here, so whatever they use must be released at
   * application shutdown, not at module destroy: the database, the mail pool (MailService), X clients.
   */
  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
    await this.driver.close();
    await this.relay.flush();
  }
}
