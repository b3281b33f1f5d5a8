import { Injectable } from '@nestjs/common';
import { JobProcessor } from '../jobs/job';
import { JobHandler } from '../jobs/job-handler.decorator';
import { SEND_REWARD_CODE_JOB, SendRewardCodeData } from './rewards.jobs';
import { SendRewardCode } from './send-reward-code';

@Injectable()
@JobHandler(SEND_REWARD_CODE_JOB)
export class SendRewardCodeProcessor implements JobProcessor<SendRewardCodeData> {
  constructor(private readonly sendCode: SendRewardCode) {}

  async process(data: SendRewardCodeData): Promise<void> {
    await this.sendCode.execute(data.codeId);
  }
}
