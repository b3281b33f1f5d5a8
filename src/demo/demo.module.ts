import { Module } from '@nestjs/common';
import { LocationsModule } from '../locations/locations.module';
import { UsersModule } from '../users/users.module';
import { DemoSeedService } from './demo-seed.service';

@Module({ imports: [LocationsModule, UsersModule], providers: [DemoSeedService], exports: [DemoSeedService] })
export class DemoModule {}
