import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CustomersModule } from '../customers/customers.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { LocationsModule } from '../locations/locations.module';
import { UsersModule } from '../users/users.module';
import { DemoSeedService } from './demo-seed.service';

@Module({ imports: [LocationsModule, UsersModule, FeedbackModule, CustomersModule, CampaignsModule], providers: [DemoSeedService], exports: [DemoSeedService] })
export class DemoModule {}
