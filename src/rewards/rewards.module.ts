import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { SettingsModule } from '../settings/settings.module';
import { RewardCode } from './reward-code.entity';
import { RewardOffer } from './reward-offer.entity';
import { RewardOffersController } from './reward-offers.controller';
import { RewardOffersService } from './reward-offers.service';
import { RewardsPagesController } from './rewards-pages.controller';
import { RewardsRepository } from './rewards.repository';
import { RewardsService } from './rewards.service';

/**
 * Rewards (principle 4): each campaign's offer and its codes. An offer thanks every approved
 * recommendation the same way, whatever it says; codes are reserved when the advocate approves.
 */
@Module({
  imports: [TypeOrmModule.forFeature([RewardOffer, RewardCode]), CampaignsModule, SettingsModule],
  controllers: [RewardOffersController, RewardsPagesController],
  providers: [RewardsRepository, RewardOffersService, RewardsService],
  exports: [RewardOffersService, RewardsService],
})
export class RewardsModule {}
