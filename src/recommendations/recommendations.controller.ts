import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { CsvResponse } from '../common/http/csv-response';
import { HideRecommendationDto, RecommendationsQueryDto } from './dto/recommendations.dto';
import { RECOMMENDATION_CSV_COLUMNS, RecommendationsService } from './recommendations.service';

/** Staff read recommendations and may hide one from public pages; no route edits one (principle 1). */
@ApiTags('recommendations')
@Controller('api/recommendations')
export class RecommendationsController {
  constructor(private readonly recommendations: RecommendationsService) {}

  /** Newest first; dealers see their locations' only. Erased ones are not listed. */
  @Get()
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'Recommendations, newest first' })
  @ApiErrors(400, 404)
  async list(@CurrentActor() actor: Actor, @Query() query: RecommendationsQueryDto) {
    const rows = await this.recommendations.list(actor, query);
    return query.format === 'csv' ? new CsvResponse('recommendations.csv', RECOMMENDATION_CSV_COLUMNS, rows) : rows;
  }

  @Post(':id/hide')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hide a recommendation from public pages' })
  @ApiErrors(400, 404)
  hide(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: HideRecommendationDto) {
    return this.recommendations.hide(actor, id, dto.reason);
  }

  @Post(':id/unhide')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Show a hidden recommendation again' })
  @ApiErrors(400, 404)
  unhide(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.recommendations.unhide(actor, id);
  }
}
