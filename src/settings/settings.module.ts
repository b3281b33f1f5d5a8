import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Setting } from './setting.entity';
import { SettingsController } from './settings.controller';
import { SettingsPagesController } from './settings-pages.controller';
import { SettingsRepository } from './settings.repository';
import { SettingsService } from './settings.service';

/** Run-time settings; import this module and call `SettingsService.get()`. */
@Module({
  imports: [TypeOrmModule.forFeature([Setting])],
  controllers: [SettingsController, SettingsPagesController],
  providers: [SettingsRepository, SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
