import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { CsvQueryDto } from '../common/http/csv-query.dto';
import { CsvResponse } from '../common/http/csv-response';
import { API_KEY_CSV_COLUMNS } from './api-key.view';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/api-key.dto';

@ApiTags('api-keys')
@Controller('api/api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'List API keys' })
  @ApiErrors(400)
  async list(@Query() query: CsvQueryDto) {
    const keys = await this.apiKeys.list();
    return query.format === 'csv' ? new CsvResponse('api-keys.csv', API_KEY_CSV_COLUMNS, keys) : keys;
  }

  /** The answer carries the plain `key` once; only its hash is kept. */
  @Post()
  @ApiOperation({ summary: 'Create an API key: the answer shows it once' })
  @ApiErrors(400)
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateApiKeyDto) {
    const { apiKey, key } = await this.apiKeys.create(actor, dto.name);
    return { ...apiKey, key };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiErrors(400, 404)
  revoke(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.apiKeys.revoke(actor, id);
  }
}
