import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { CsvQueryDto } from '../common/http/csv-query.dto';
import { CsvResponse } from '../common/http/csv-response';
import { CampaignFunnel, FUNNEL_CSV_COLUMNS } from './campaign-funnel';
import { CAMPAIGN_CSV_COLUMNS, toCampaignCsvRow } from './campaign.view';
import { CampaignsService } from './campaigns.service';
import { DRY_RUN_COLUMNS, DryRunCampaign } from './dry-run-campaign';
import { CampaignListQueryDto, CreateCampaignDto, TestSendDto, UpdateCampaignDto } from './dto/campaign.dto';
import { LaunchCampaign } from './launch-campaign';
import { TestSendCampaign } from './test-send-campaign';

const MANAGERS = ['admin', 'marketer'] as const;

/**
 * Campaigns API. Admins and marketers manage campaigns; dealers may read campaigns that include one
 * of their locations (list, details, funnel limited to their locations) and get 404 for others.
 */
@ApiTags('campaigns')
@Controller('api/campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly launcher: LaunchCampaign,
    private readonly dryRun: DryRunCampaign,
    private readonly funnel: CampaignFunnel,
    private readonly testSend: TestSendCampaign,
  ) {}

  @Get()
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'List the campaigns you may see' })
  @ApiErrors(400, 404)
  async list(@CurrentActor() actor: Actor, @Query() query: CampaignListQueryDto) {
    const views = await this.campaigns.views(await this.campaigns.list(actor, query.location), actor);
    return query.format === 'csv' ? new CsvResponse('campaigns.csv', CAMPAIGN_CSV_COLUMNS, views.map(toCampaignCsvRow)) : views;
  }

  @Post()
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Create a draft campaign' })
  @ApiErrors(400)
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateCampaignDto) {
    return this.campaigns.view(await this.campaigns.create(actor, dto), actor);
  }

  @Get(':id')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'A campaign' })
  @ApiErrors(404)
  async get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.campaigns.view(await this.campaigns.get(actor, id), actor);
  }

  @Patch(':id')
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Change a campaign that has not ended' })
  @ApiErrors(400, 404, { 409: 'An ended campaign cannot be changed' })
  async update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateCampaignDto) {
    return this.campaigns.view(await this.campaigns.update(actor, id, dto), actor);
  }

  @Post(':id/dry-run')
  @Roles(...MANAGERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Who would be invited now, and why the others would not, per location' })
  @ApiErrors(400, 404)
  async dryRunReport(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: CsvQueryDto) {
    const report = await this.dryRun.execute(actor, id);
    return query.format === 'csv' ? new CsvResponse(`campaign-${id}-dry-run.csv`, DRY_RUN_COLUMNS, report.locations) : report;
  }

  @Post(':id/launch')
  @Roles(...MANAGERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Launch a draft campaign' })
  @ApiErrors(400, 404, { 409: 'Only a draft campaign can be launched' })
  async launch(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.campaigns.view(await this.launcher.execute(actor, id), actor);
  }

  @Post(':id/pause')
  @Roles(...MANAGERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a running campaign' })
  @ApiErrors(404, { 409: 'Only a running campaign can be paused' })
  async pause(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.campaigns.view(await this.campaigns.pause(actor, id), actor);
  }

  @Post(':id/resume')
  @Roles(...MANAGERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused campaign' })
  @ApiErrors(404, { 409: 'Only a paused campaign can be resumed' })
  async resume(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.campaigns.view(await this.campaigns.resume(actor, id), actor);
  }

  @Post(':id/end')
  @Roles(...MANAGERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'End a campaign for good' })
  @ApiErrors(404, { 409: 'This campaign has already ended' })
  async end(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.campaigns.view(await this.campaigns.end(actor, id), actor);
  }

  @Post(':id/test-send')
  @Roles(...MANAGERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the invitation, as a customer would see it, to a staff address (yours by default)' })
  @ApiErrors(400, 404)
  testSendTo(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: TestSendDto) {
    return this.testSend.execute(actor, id, dto.email);
  }

  @Get(':id/funnel')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'Invitation funnel, per location' })
  @ApiErrors(400, 404)
  async funnelReport(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: CampaignListQueryDto) {
    const report = await this.funnel.execute(actor, id, query.location);
    return query.format === 'csv' ? new CsvResponse(`campaign-${id}-funnel.csv`, FUNNEL_CSV_COLUMNS, report.locations) : report;
  }
}
