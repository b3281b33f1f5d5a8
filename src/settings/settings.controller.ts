import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { UpdateSettingsDto } from './dto/settings.dto';
import { SettingsService } from './settings.service';

@ApiTags('settings')
@Controller('api/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'The settings' })
  get() {
    return this.settings.get();
  }

  @Patch()
  @Roles('admin')
  @ApiOperation({ summary: 'Change the settings' })
  @ApiErrors(400)
  update(@CurrentActor() actor: Actor, @Body() dto: UpdateSettingsDto) {
    return this.settings.update(actor, dto);
  }
}
