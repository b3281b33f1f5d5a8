import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { UpdateThemeDto } from './dto/insights.dto';
import { LocationWeekService } from './location-week.service';
import { ThemesService } from './themes.service';

@ApiTags('insights')
@Controller('api')
export class InsightsController {
  constructor(
    private readonly week: LocationWeekService,
    private readonly themes: ThemesService,
  ) {}

  /** `{focus: {theme, mentions, quotes}, kudos: [{firstName, count}], advocates, reach, openAlerts}` and more; dealers: their locations only. */
  @Get('locations/:code/week')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: "The location manager's week: focus theme, kudos, new advocates, reach, open alerts" })
  @ApiErrors(404)
  async locationWeek(@CurrentActor() actor: Actor, @Param('code') code: string) {
    const { kudosBoard: _board, ...week } = await this.week.execute(actor, code);
    return week;
  }

  @Get('themes')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'The themes unhappy comments are grouped into, with their words per language' })
  @ApiErrors()
  listThemes() {
    return this.themes.list();
  }

  @Put('themes/:key')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: "Edit a theme's label, words and phrases, or turn it off" })
  @ApiErrors(400, 404)
  updateTheme(@CurrentActor() actor: Actor, @Param('key') key: string, @Body() dto: UpdateThemeDto) {
    return this.themes.update(actor, key, dto);
  }
}
