import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CustomersModule } from '../customers/customers.module';
import { PreferencesModule } from '../preferences/preferences.module';
import { SettingsModule } from '../settings/settings.module';
import { RewardBudgetAlertProcessor, SendRewardCodeProcessor } from './reward.processors';
import { RewardBudgetAlert } from './reward-budget-alert';
import { UsersModule } from '../users/users.module';
import { SendRewardCode } from './send-reward-code';
import { RewardCode } from './reward-code.entity';
import { RewardOffer } from './reward-offer.entity';
import { RewardOffersController } from './reward-offers.controller';
import { RewardOffersService } from './reward-offers.service';
import { MyRewardsController } from './my-rewards.controller';
import { RewardCodesController } from './reward-codes.controller';
import { RewardCodesService } from './reward-codes.service';
import { RewardsPagesController } from './rewards-pages.controller';
import { RewardsRepository } from './rewards.repository';
import { RewardsReportReadModel } from './rewards-report.read-model';
import { RewardsService } from './rewards.service';

/**
 * Rewards (principle 4): each campaign's offer and its codes. An offer thanks every approved
 * recommendation the same way, whatever it says; codes are reserved when the advocate approves.
 */
@Module({
  imports: [TypeOrmModule.forFeature([RewardOffer, RewardCode]), CampaignsModule, SettingsModule, CustomersModule, PreferencesModule, UsersModule],
  controllers: [RewardOffersController, RewardCodesController, RewardsPagesController, MyRewardsController],
  providers: [RewardsRepository, RewardsReportReadModel, RewardCodesService, RewardOffersService, RewardsService, SendRewardCode, SendRewardCodeProcessor, RewardBudgetAlert, RewardBudgetAlertProcessor],
  exports: [RewardOffersService, RewardsService, RewardCodesService],
})
export class RewardsModule {}
