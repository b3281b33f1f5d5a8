import '@fastify/multipart';
import { parseMapping } from './survey-export';
import {
  BadRequestException, Controller, Get, HttpException, HttpStatus, InternalServerErrorException, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { CsvFormatError } from '../common/csv/csv-reader';
import { CsvQueryDto } from '../common/http/csv-query.dto';
import { CsvResponse } from '../common/http/csv-response';
import { ImportErrorsQueryDto, ImportUploadQueryDto } from './dto/imports.dto';
import { FeedbackImport, ImportSource } from './feedback-import.entity';
import { ImportFeedbackUseCase, ImportStoppedError } from './import-feedback.use-case';
import { ImportsRepository } from './imports.repository';
import { InterruptedImports } from './interrupted-imports';
import { RejectionProblem } from './rejection-summary';

export const IMPORT_CSV_COLUMNS = [
  'id', 'source', 'filename', 'status', 'error', 'rows', 'accepted', 'rejected', 'created', 'updated', 'unchanged',
  'alerts', 'undated', 'notice', 'startedAt', 'finishedAt',
] as const;
const ERROR_CSV_COLUMNS = ['line', 'responseId', 'reason'] as const;

/** 500 with the import's reason in words (its record says the same); the page shows the import instead. */
export class ImportStoppedException extends InternalServerErrorException {
  constructor(
    readonly importId: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Streams the `file` part of a multipart request through the import (never buffered whole). Shared by
 * the API and the upload page; whole-file refusals become 400, an oversized file 413.
 */
export async function importUpload(
  useCase: ImportFeedbackUseCase,
  request: FastifyRequest,
  actor: Actor,
  source: ImportSource,
  id?: string,
): Promise<FeedbackImport> {
  if (!request.isMultipart()) throw new BadRequestException('Send the CSV as multipart/form-data, in a field named "file"');
  const part = await request.file();
  if (!part || part.fieldname !== 'file') {
    part?.file.resume(); // drain it, so the answer can be read
    throw new BadRequestException('Send the CSV as multipart/form-data, in a field named "file"');
  }
  try {
    // Survey-tool exports: `mapping` (JSON, field → column header) and `location` (a code) come before `file`.
    const field = (name: string) => {
      const value = (part.fields[name] as { type?: string; value?: unknown } | undefined);
      return value && value.type === 'field' && typeof value.value === 'string' && value.value.trim() !== '' ? value.value : undefined;
    };
    const mappingJson = field('mapping');
    const mapping = mappingJson === undefined ? undefined : parseMapping(mappingJson);
    const location = field('location');
    if (location !== undefined && !mapping) throw new CsvFormatError('A location applies to a file read with a mapping: send the mapping too.');
    return await useCase.run({ source, filename: part.filename || null, input: part.file, actor, id, mapping, location });
  } catch (error) {
    part.file.resume(); // a refused file is drained, so the client gets the answer
    if (error instanceof CsvFormatError) throw new BadRequestException(error.message);
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new HttpException('The file is larger than the upload limit', HttpStatus.PAYLOAD_TOO_LARGE);
    }
    if (error instanceof ImportStoppedError) throw new ImportStoppedException(error.importId, error.message);
    throw error;
  }
}

@ApiTags('feedback')
@Controller('api/imports')
export class ImportsController {
  constructor(
    private readonly useCase: ImportFeedbackUseCase,
    private readonly imports: ImportsRepository,
    private readonly interrupted: InterruptedImports,
  ) {}

  /** Imports a Feedback CSV (DESIGN.md) streamed in the request; answers when done, with the counts. */
  @Post()
  @Roles('admin', 'marketer')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        mapping: {
          type: 'string',
          description:
            'A survey-tool export: JSON of field → column header (responseId, email, score, comment, respondedAt, location, name, phone, ' +
            'marketingConsent, touchpoint) plus an optional dateFormat in CLDR tokens (M/d/yyyy H:mm:ss). Send it before `file`.',
        },
        location: { type: 'string', description: 'With a mapping: the location code of every row when the file has no location column.' },
        file: { type: 'string', format: 'binary' },
      },
    },
  })
  @ApiOperation({ summary: 'Import a Feedback CSV or a survey-tool export read through a mapping (multipart fields `mapping`, `location`, `file`)' })
  @ApiErrors({ 400: 'Invalid request, or not a readable Feedback CSV' }, { 409: 'An import with this id already exists' }, 413)
  upload(@Req() request: FastifyRequest, @CurrentActor() actor: Actor, @Query() query: ImportUploadQueryDto): Promise<FeedbackImport> {
    return importUpload(this.useCase, request, actor, 'api', query.id);
  }

  /** The mapping step: a survey-tool export's header rows, columns with sample values and the proposed mapping. Writes nothing. */
  @Post('preview')
  @Roles('admin', 'marketer')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOperation({ summary: 'Columns, sample values and a proposed mapping for a survey-tool export (nothing imported)' })
  @ApiErrors({ 400: 'Invalid request, or not a readable CSV' }, 413)
  async preview(@Req() request: FastifyRequest) {
    if (!request.isMultipart()) throw new BadRequestException('Send the file as multipart/form-data, in a field named "file"');
    const part = await request.file();
    if (!part || part.fieldname !== 'file') {
      part?.file.resume();
      throw new BadRequestException('Send the file as multipart/form-data, in a field named "file"');
    }
    try {
      return await this.useCase.preview(part.file);
    } catch (error) {
      part.file.resume();
      if (error instanceof CsvFormatError) throw new BadRequestException(error.message);
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new HttpException('The file is larger than the upload limit', HttpStatus.PAYLOAD_TOO_LARGE);
      throw error;
    }
  }

  /** The latest 100 imports. */
  @Get()
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'The latest 100 imports' })
  @ApiErrors(400)
  async list(@Query() query: CsvQueryDto) {
    const rows = await this.interrupted.settleMany(await this.imports.recent(100));
    return query.format === 'csv' ? new CsvResponse('imports.csv', IMPORT_CSV_COLUMNS, rows) : rows;
  }

  /** Status and counts; counts grow batch by batch while the import runs. An import whose process died is `failed` ("Interrupted: …"). */
  @Get(':id')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'An import: status and counts' })
  @ApiErrors(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<FeedbackImport> {
    const found = await this.interrupted.settle(await this.imports.findById(id));
    if (!found) throw new NotFoundException(`No import with id ${id}`);
    return found;
  }

  /** Why rows were rejected: each kind of problem with its row count, a few of the values at fault and what to do. */
  @Get(':id/problems')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'An import’s rejected rows counted by problem, most rows first' })
  @ApiErrors(400, 404)
  async problems(@Param('id', ParseUUIDPipe) id: string): Promise<RejectionProblem[]> {
    if (!(await this.imports.exists(id))) throw new NotFoundException(`No import with id ${id}`);
    return this.imports.rejectionProblems(id);
  }

  /** Rejected rows with line and reason, in line order. */
  @Get(':id/errors')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'An import’s rejected rows' })
  @ApiErrors(400, 404)
  async errors(@Param('id', ParseUUIDPipe) id: string, @Query() query: ImportErrorsQueryDto) {
    if (!(await this.imports.exists(id))) throw new NotFoundException(`No import with id ${id}`);
    if (query.format === 'csv') return new CsvResponse(`import-${id}-errors.csv`, ERROR_CSV_COLUMNS, this.imports.errors(id));
    return (await this.imports.firstErrors(id, query.limit ?? 1000)).map(({ line, responseId, reason }) => ({ line, responseId, reason }));
  }
}
