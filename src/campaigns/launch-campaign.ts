import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { OutboxService } from '../jobs/outbox.service';
import { Campaign } from './campaign.entity';
import { CAMPAIGN_FAN_OUT_JOB } from './campaign.jobs';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { EligibilityCache } from './eligibility-cache';

/**
 * Launches a draft: it becomes running and its first fan-out is queued through the outbox in the
 * same transaction (so a crash can't leave a running campaign that never starts). From then on the
 * periodic tick keeps inviting customers who become eligible, until it is paused or ends.
 */
@Injectable()
export class LaunchCampaign {
  constructor(
    private readonly service: CampaignsService,
    private readonly campaigns: CampaignsRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly eligibility: EligibilityCache,
  ) {}

  async execute(actor: Actor, id: string, now = new Date()): Promise<Campaign> {
    const campaign = await this.service.get(actor, id);
    if (campaign.status !== 'draft') throw new ConflictException('Only a draft campaign can be launched');
    if (campaign.endsAt && campaign.endsAt <= now) throw new BadRequestException(['endsAt is in the past: change it before launching']);
    if (campaign.locationIds?.length === 0) throw new BadRequestException(['Choose at least one location']);
    await this.campaigns.transaction(async (manager) => {
      if (!(await this.campaigns.transition(manager, id, ['draft'], 'running', { launchedAt: now }))) {
        throw new ConflictException('Only a draft campaign can be launched');
      }
      await this.outbox.add(manager, CAMPAIGN_FAN_OUT_JOB, { campaignId: id });
      await this.audit.record(actor, { action: 'campaign.launch', subjectType: 'campaign', subjectId: id, details: { status: 'running' } }, manager);
    });
    this.outbox.kick();
    this.eligibility.forget(id);
    return (await this.campaigns.findById(id))!;
  }
}
