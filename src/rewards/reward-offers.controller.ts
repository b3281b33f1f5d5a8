import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { CsvQueryDto } from '../common/http/csv-query.dto';
import { CsvResponse } from '../common/http/csv-response';
import { CreateRewardOfferDto, PoolUploadResult, REWARD_REPORT_CSV_COLUMNS, RewardOfferView, RewardReportDto, UpdateRewardOfferDto } from './dto/reward-offer.dto';
import { readPoolUpload } from './pool-upload';
import { RewardOffersService } from './reward-offers.service';

const MANAGERS = ['admin', 'marketer'] as const;

/** A campaign's reward offer. Admins and marketers manage it; dealers read it for campaigns they may see. */
@ApiTags('rewards')
@Controller('api/campaigns/:id/reward-offer')
export class RewardOffersController {
  constructor(private readonly offers: RewardOffersService) {}

  @Get()
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'A campaign’s reward offer' })
  @ApiOkResponse({ type: RewardOfferView })
  @ApiErrors(404)
  async get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<RewardOfferView> {
    return this.offers.view(await this.offers.get(actor, id));
  }

  @Get('report')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'Rewards per location: offered, opted in, issued, redeemed, expired, voided; remaining budget (`?format=csv`)' })
  @ApiOkResponse({ type: RewardReportDto })
  @ApiErrors(400, 404)
  async report(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: CsvQueryDto) {
    const report = await this.offers.report(actor, id);
    if (query.format !== 'csv') return report;
    const total = { code: 'ALL', name: 'All your locations', ...report, remainingBudget: report.remainingBudget };
    return new CsvResponse(`campaign-${id}-rewards.csv`, REWARD_REPORT_CSV_COLUMNS, [
      ...report.locations.map((l) => ({ ...l, remainingBudget: '' })),
      total,
    ]);
  }

  @Post()
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Give a campaign a reward offer' })
  @ApiErrors(400, 404, { 409: 'The campaign has an offer already, or has ended' })
  async create(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: CreateRewardOfferDto): Promise<RewardOfferView> {
    return this.offers.view(await this.offers.create(actor, id, dto));
  }

  @Patch()
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Change a reward offer (once a code is issued: only a larger budget or a later expiry)' })
  @ApiOkResponse({ type: RewardOfferView })
  @ApiErrors(400, 404, { 409: 'A code has been issued: only a larger budget or a later expiry' })
  async update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateRewardOfferDto): Promise<RewardOfferView> {
    return this.offers.view(await this.offers.update(actor, id, dto));
  }

  @Delete()
  @Roles(...MANAGERS)
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a reward offer no code has been issued from' })
  @ApiErrors(404, { 409: 'A code has been issued' })
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.offers.remove(actor, id);
  }

  @Post('codes')
  @Roles(...MANAGERS)
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'One code per line; a first line `code` is a header' } } } })
  @ApiOperation({ summary: 'Add codes to a pool offer from a CSV: all or none; bad lines are listed by number' })
  @ApiOkResponse({ type: PoolUploadResult })
  @ApiErrors({ 400: 'Blank, malformed, duplicate or known codes, each with its line number' }, 404, { 409: 'The offer generates its codes' }, 413)
  async upload(@CurrentActor() actor: Actor, @Param('id') id: string, @Req() request: FastifyRequest): Promise<PoolUploadResult> {
    return this.offers.uploadPool(actor, id, await readPoolUpload(request));
  }
}
