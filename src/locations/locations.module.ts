import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Location } from './location.entity';
import { LocationsImportService } from './locations-import.service';
import { LocationsPagesController } from './locations-pages.controller';
import { LocationsController } from './locations.controller';
import { LocationsRepository } from './locations.repository';
import { LocationsService } from './locations.service';

@Module({
  imports: [TypeOrmModule.forFeature([Location])],
  controllers: [LocationsController, LocationsPagesController],
  providers: [LocationsRepository, LocationsService, LocationsImportService],
  exports: [LocationsService, LocationsImportService],
})
export class LocationsModule {}
