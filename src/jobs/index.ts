export { defineJob } from './job';
export type { EnqueueOptions, JobContext, JobDefinition, JobOptions, JobProcessor } from './job';
export { JobHandler } from './job-handler.decorator';
export { JobQueue } from './job-queue.service';
export type { EnqueueItem } from './job-queue.service';
export { JobsModule } from './jobs.module';
export type { JobsModuleOptions } from './jobs-options';
export { OutboxService } from './outbox.service';
export type { OutboxOptions } from './outbox.service';
