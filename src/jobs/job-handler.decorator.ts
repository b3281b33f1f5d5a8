import { DiscoveryService } from '@nestjs/core';
import { JobDefinition } from './job';

/** Discoverable metadata: Nest indexes classes carrying it, so the registry finds handlers without scanning every provider. */
export const JOB_HANDLER_METADATA = DiscoveryService.createDecorator<JobDefinition<unknown>>();

/**
 * Marks an `@Injectable()` provider implementing `JobProcessor<T>` as the one handler of `job`.
 * The provider must be a singleton in some imported module; it runs in worker processes only.
 */
export function JobHandler<T>(job: JobDefinition<T>): ClassDecorator {
  return JOB_HANDLER_METADATA(job as JobDefinition<unknown>) as ClassDecorator;
}
