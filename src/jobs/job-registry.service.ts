import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { JobDefinition, JobProcessor } from './job';
import { resolveJobOptions } from './job-defaults';
import { JOB_HANDLER_METADATA } from './job-handler.decorator';
import { RegisteredJob } from './queue-driver';

/** The job kinds this build can run: one `@JobHandler` provider each, found once at bootstrap. */
@Injectable()
export class JobRegistry {
  private readonly logger = new Logger('Jobs');
  private jobs?: Map<string, RegisteredJob>;

  constructor(private readonly discovery: DiscoveryService) {}

  /** Discovers handlers; throws on a broken setup so the process refuses to start instead of dropping jobs later. */
  load(): Map<string, RegisteredJob> {
    if (this.jobs) return this.jobs;
    const jobs = new Map<string, RegisteredJob>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: JOB_HANDLER_METADATA.KEY })) {
      if (wrapper.isAlias) continue;
      const definition = this.discovery.getMetadataByDecorator(JOB_HANDLER_METADATA, wrapper);
      const where = `${wrapper.name} (@JobHandler(${definition?.name}))`;
      if (!definition?.name) throw new Error(`${where}: @JobHandler needs a job from defineJob()`);
      if (!wrapper.isDependencyTreeStatic()) {
        throw new Error(`${where} must be a singleton provider, not request- or transient-scoped`);
      }
      const handler = wrapper.instance as JobProcessor<unknown> | undefined;
      if (typeof handler?.process !== 'function') throw new Error(`${where} must implement process(data, context)`);
      const existing = jobs.get(definition.name);
      if (existing) {
        throw new Error(`job "${definition.name}" has two handlers: ${existing.handler.constructor.name} and ${wrapper.name}`);
      }
      jobs.set(definition.name, { name: definition.name, definition, options: resolveJobOptions(definition), handler });
    }
    this.logger.debug({ msg: 'job handlers discovered', jobs: [...jobs.keys()] });
    this.jobs = jobs;
    return jobs;
  }

  all(): RegisteredJob[] {
    return [...this.load().values()];
  }

  find(name: string): RegisteredJob | undefined {
    return this.load().get(name);
  }

  /** The registered kind for `job`; throws when nothing would ever run it or its options differ from the handler's. */
  require(job: JobDefinition<unknown>): RegisteredJob {
    const registered = this.find(job.name);
    if (!registered) {
      throw new Error(`no @JobHandler provider for job "${job.name}": add its processor to a module's providers`);
    }
    if (registered.definition !== job && !sameOptions(registered, job)) {
      throw new Error(`job "${job.name}" is defined twice with different options: share one defineJob() constant`);
    }
    return registered;
  }
}

function sameOptions(registered: RegisteredJob, job: JobDefinition<unknown>): boolean {
  const other = resolveJobOptions(job);
  return (Object.keys(other) as (keyof typeof other)[]).every((key) => other[key] === registered.options[key]);
}
