import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { CsvFormatError } from '../common/csv/csv-reader';
import { validatePlain } from '../common/validation/validate-plain';
import { field, FormBody, formErrors, humanise, noticeFor, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { CreateLocationDto, UpdateLocationDto } from './dto/location.dto';
import { Location } from './location.entity';
import { LocationsImportService } from './locations-import.service';
import { LocationsService } from './locations.service';

/** Form fields in display order, with the labels that also replace field names in error messages. */
/** The location's fields, in the order forms and its page show them. */
export const LOCATION_FIELDS = [
  { name: 'code', label: 'Code' },
  { name: 'name', label: 'Name' },
  { name: 'address', label: 'Address' },
  { name: 'city', label: 'City' },
  { name: 'timezone', label: 'Time zone' },
  { name: 'locale', label: 'Language (locale)' },
  { name: 'websiteUrl', label: 'Website' },
  { name: 'reviewUrl', label: 'Review link' },
  { name: 'managerEmail', label: 'Manager email' },
  { name: 'phone', label: 'Phone' },
  { name: 'openingHours', label: 'Opening hours' },
] as const;
type FieldName = (typeof LOCATION_FIELDS)[number]['name'];
const LABELS: Record<string, string> = Object.fromEntries(LOCATION_FIELDS.map((f) => [f.name, f.label]));
/** Optional fields an editor may empty; an emptied field is cleared (the API's PATCH leaves it as it was). */
const CLEARABLE: FieldName[] = ['address', 'city', 'websiteUrl', 'reviewUrl', 'managerEmail', 'phone', 'openingHours'];

/** After a create or an edit, the location's page (in the web module: it shows numbers of several modules) says so. */
export const LOCATION_NOTICES: Record<string, string> = { created: 'Location created.', updated: 'Location saved.' };

const EDITORS = ['admin', 'marketer'] as const;

/** Location pages: everyone on staff reads (dealers only their own); admins and marketers create, edit and import. */
@ApiExcludeController()
@Controller('dashboard/locations')
export class LocationsPagesController {
  constructor(
    private readonly locations: LocationsService,
    private readonly importer: LocationsImportService,
  ) {}

  @Get()
  @Roles('admin', 'marketer', 'dealer')
  async list(@CurrentActor() actor: Actor, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    const locations = await this.locations.list(actor);
    const context = staffContext(reply, actor, { title: 'Locations', section: 'locations' }, {
      locations,
      canEdit: mayEdit(actor),
      notice: noticeFor(notice, LOCATION_NOTICES),
    });
    return renderPage(reply, 'pages/staff/locations.hbs', context);
  }

  @Get('new')
  @Roles(...EDITORS)
  newForm(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    return this.renderForm(reply, actor, null, { timezone: 'UTC', locale: 'en' });
  }

  @Post()
  @Roles(...EDITORS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const values = formValues(body, LOCATION_FIELDS.map((f) => f.name));
    const check = validatePlain(CreateLocationDto, dropEmpty(values));
    try {
      if (check.errors) return this.renderForm(reply, actor, null, values, humanise(check.errors, LABELS), 400);
      const location = await this.locations.create(actor, check.value);
      return seeOther(reply, `/dashboard/locations/${encodeURIComponent(location.code)}?notice=created`);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.renderForm(reply, actor, null, values, humanise(messages, LABELS), status);
    }
  }

  @Get('import')
  @Roles(...EDITORS)
  importForm(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    return this.renderImport(reply, actor);
  }

  /**
   * Multipart upload (field `file`). The CSRF token comes in the query string: the plugin checks it before
   * the body is read. The file is streamed through the importer, never held in memory.
   */
  @Post('import')
  @Roles(...EDITORS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async import(@CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    let upload: Awaited<ReturnType<FastifyRequest['file']>>;
    try {
      upload = await request.file();
    } catch {
      return this.renderImport(reply, actor, 'Choose a CSV file to upload.', 400);
    }
    if (!upload || !upload.filename) {
      upload?.file.resume();
      return this.renderImport(reply, actor, 'Choose a CSV file to upload.', 400);
    }
    const file: Readable = upload.file;
    try {
      const report = await this.importer.import(file, actor);
      if (upload.file.truncated) return this.renderImport(reply, actor, 'The file is too large; rows up to the limit were imported.', 413);
      const context = staffContext(reply, actor, { title: 'Import result', section: 'locations' }, {
        filename: upload.filename,
        report,
        rejectedCount: report.rejected.length,
      });
      return renderPage(reply, 'pages/staff/location-import-result.hbs', context);
    } catch (error) {
      file.resume(); // let the rest of the upload drain so the answer can be read
      if (error instanceof CsvFormatError) return this.renderImport(reply, actor, error.message, 400);
      throw error;
    }
  }

  @Get(':code/edit')
  @Roles(...EDITORS)
  async editForm(@CurrentActor() actor: Actor, @Param('code') code: string, @Res() reply: FastifyReply) {
    const location = await this.locations.get(actor, code);
    return this.renderForm(reply, actor, location, stringValues(location));
  }

  @Post(':code')
  @Roles(...EDITORS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async update(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const location = await this.locations.get(actor, code);
    const names = LOCATION_FIELDS.map((f) => f.name).filter((name) => name !== 'code');
    const values = formValues(body, names);
    const check = validatePlain(UpdateLocationDto, dropEmpty(values));
    if (check.errors) {
      return this.renderForm(reply, actor, location, { ...values, code: location.code }, humanise(check.errors, LABELS), 400);
    }
    const changes: Record<string, unknown> = { ...check.value };
    for (const name of CLEARABLE) if (values[name] === '' && location[name] !== null) changes[name] = null;
    try {
      await this.locations.update(actor, location.code, changes as UpdateLocationDto);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.renderForm(reply, actor, location, { ...values, code: location.code }, humanise(messages, LABELS), status);
    }
    return seeOther(reply, `/dashboard/locations/${encodeURIComponent(location.code)}?notice=updated`);
  }

  private renderForm(
    reply: FastifyReply,
    actor: Actor,
    location: Location | null,
    values: Partial<Record<FieldName, string>>,
    errors?: string[],
    status = 200,
  ) {
    const title = location ? `Edit ${location.name}` : 'Add a location';
    const context = staffContext(reply, actor, { title, section: 'locations' }, {
      location,
      action: location ? `/dashboard/locations/${encodeURIComponent(location.code)}` : '/dashboard/locations',
      values,
      errors,
    });
    return renderPage(reply, 'pages/staff/location-form.hbs', context, status);
  }

  private renderImport(reply: FastifyReply, actor: Actor, error?: string, status = 200) {
    const context = staffContext(reply, actor, { title: 'Import locations', section: 'locations' }, { error });
    return renderPage(reply, 'pages/staff/location-import.hbs', context, status);
  }
}

function mayEdit(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'marketer';
}

function formValues(body: FormBody, names: readonly FieldName[]): Partial<Record<FieldName, string>> {
  return Object.fromEntries(names.map((name) => [name, field(body, name)]));
}

/** Empty fields are "not given": the DTO's defaults and optional rules apply, as for a JSON body without them. */
function dropEmpty(values: Partial<Record<FieldName, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && v !== undefined)) as Record<string, string>;
}

function stringValues(location: Location): Partial<Record<FieldName, string>> {
  return Object.fromEntries(LOCATION_FIELDS.map((f) => [f.name, location[f.name] ?? ''])) as Partial<Record<FieldName, string>>;
}
