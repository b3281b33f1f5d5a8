import { Injectable } from '@nestjs/common';
import { JobProcessor } from '../jobs/job';
import { JobHandler } from '../jobs/job-handler.decorator';
import { RewardBudgetAlert } from './reward-budget-alert';
import { REWARD_BUDGET_ALERT_JOB, RewardBudgetAlertData, SEND_REWARD_CODE_JOB, SendRewardCodeData } from './rewards.jobs';
import { SendRewardCode } from './send-reward-code';

@Injectable()
@JobHandler(SEND_REWARD_CODE_JOB)
export class SendRewardCodeProcessor implements JobProcessor<SendRewardCodeData> {
  constructor(private readonly sendCode: SendRewardCode) {}

  async process(data: SendRewardCodeData): Promise<void> {
    await this.sendCode.execute(data.codeId);
  }
}

@Injectable()
@JobHandler(REWARD_BUDGET_ALERT_JOB)
export class RewardBudgetAlertProcessor implements JobProcessor<RewardBudgetAlertData> {
  constructor(private readonly alert: RewardBudgetAlert) {}

  async process(data: RewardBudgetAlertData): Promise<void> {
    await this.alert.execute(data.offerId);
  }
}
