import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { CsvResponse } from '../common/http/csv-response';
import { NpsQueryDto, PromotersQueryDto } from './dto/segments.dto';
import { NPS_CSV_COLUMNS, PROMOTER_CSV_COLUMNS, SegmentsService } from './segments.service';

@ApiTags('segments')
@Controller('api')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  /** NPS and segment counts (responses in the window); with `interval`, a series. CSV: the series, or one row. */
  @Get('nps')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'NPS and segment counts, optionally as a series' })
  @ApiErrors(400, 404)
  async nps(@CurrentActor() actor: Actor, @Query() query: NpsQueryDto) {
    const view = await this.segments.nps(actor, query);
    if (query.format !== 'csv') return view;
    const { series, ...total } = view;
    return new CsvResponse('nps.csv', NPS_CSV_COLUMNS, series ?? [{ period: '', ...total }]);
  }

  /** Customers whose latest response is a promoter. */
  @Get('promoters')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'Customers whose latest response is a promoter' })
  @ApiErrors(400, 404)
  async promoters(@CurrentActor() actor: Actor, @Query() query: PromotersQueryDto) {
    if (query.format === 'csv') return new CsvResponse('promoters.csv', PROMOTER_CSV_COLUMNS, this.segments.allPromoters(actor, query));
    return this.segments.promoters(actor, query, query.limit ?? 100, query.offset ?? 0);
  }
}
