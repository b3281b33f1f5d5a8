import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { UpdateSettingsDto } from './dto/settings.dto';
import { SettingsService } from './settings.service';

@ApiTags('settings')
@ApiBearerAuth()
@Controller('api/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @Roles('admin', 'marketer')
  get() {
    return this.settings.get();
  }

  @Patch()
  @Roles('admin')
  update(@CurrentActor() actor: Actor, @Body() dto: UpdateSettingsDto) {
    return this.settings.update(actor, dto);
  }
}
