import { Injectable } from '@nestjs/common';
import { JobContext, JobProcessor } from '../jobs/job';
import { JobHandler } from '../jobs/job-handler.decorator';
import {
  CAMPAIGN_FAN_OUT_JOB,
  CAMPAIGN_TICK_JOB,
  CampaignTickData,
  FanOutData,
  INVITE_BATCH_JOB,
  InviteBatchData,
  SEND_INVITATIONS_JOB,
  SendInvitationsData,
} from './campaign.jobs';
import { CampaignTick } from './campaign-tick';
import { FanOutCampaign } from './fan-out-campaign';
import { InviteCustomers } from './invite-customers';
import { SendInvitations } from './send-invitations';

/** Thin queue adapters: each job runs one use case. All of them are safe to run again. */

@Injectable()
@JobHandler(CAMPAIGN_TICK_JOB)
export class CampaignTickProcessor implements JobProcessor<CampaignTickData> {
  constructor(private readonly tick: CampaignTick) {}

  async process(data: CampaignTickData): Promise<void> {
    await this.tick.run(new Date(), { requeueUnsent: data?.requeueUnsent, key: data?.key });
  }
}

@Injectable()
@JobHandler(CAMPAIGN_FAN_OUT_JOB)
export class FanOutProcessor implements JobProcessor<FanOutData> {
  constructor(private readonly fanOut: FanOutCampaign) {}

  async process(data: FanOutData): Promise<void> {
    await this.fanOut.execute(data.campaignId, { requeueUnsent: data.requeueUnsent });
  }
}

@Injectable()
@JobHandler(INVITE_BATCH_JOB)
export class InviteBatchProcessor implements JobProcessor<InviteBatchData> {
  constructor(private readonly invite: InviteCustomers) {}

  async process(data: InviteBatchData): Promise<void> {
    await this.invite.execute(data.campaignId, data.customerIds);
  }
}

@Injectable()
@JobHandler(SEND_INVITATIONS_JOB)
export class SendInvitationsProcessor implements JobProcessor<SendInvitationsData> {
  constructor(private readonly send: SendInvitations) {}

  async process(data: SendInvitationsData, context: JobContext): Promise<void> {
    await this.send.execute(data, context.jobId);
  }
}
