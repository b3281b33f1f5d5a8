import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { CsvQueryDto } from '../common/http/csv-query.dto';
import { CsvResponse } from '../common/http/csv-response';
import { CreateLocationDto, UpdateLocationDto } from './dto/location.dto';
import { LocationsService } from './locations.service';

export const LOCATION_CSV_COLUMNS = [
  'code', 'name', 'address', 'city', 'timezone', 'locale', 'websiteUrl', 'reviewUrl', 'managerEmail', 'phone', 'openingHours',
] as const;

@ApiTags('locations')
@Controller('api/locations')
export class LocationsController {
  constructor(private readonly locations: LocationsService) {}

  @Get()
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'List the locations you may see' })
  @ApiErrors(400)
  async list(@CurrentActor() actor: Actor, @Query() query: CsvQueryDto) {
    const rows = await this.locations.list(actor);
    return query.format === 'csv' ? new CsvResponse('locations.csv', LOCATION_CSV_COLUMNS, rows) : rows;
  }

  @Post()
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Create a location' })
  @ApiErrors(400, { 409: 'A location with this code already exists' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateLocationDto) {
    return this.locations.create(actor, dto);
  }

  @Get(':code')
  @Roles('admin', 'marketer', 'dealer')
  @ApiOperation({ summary: 'A location, by code' })
  @ApiErrors(404)
  get(@CurrentActor() actor: Actor, @Param('code') code: string) {
    return this.locations.get(actor, code);
  }

  @Patch(':code')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Change a location' })
  @ApiErrors(400, 404)
  update(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() dto: UpdateLocationDto) {
    return this.locations.update(actor, code, dto);
  }
}
