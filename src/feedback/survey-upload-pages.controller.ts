import '@fastify/multipart';
import { Body, Controller, Get, HttpCode, HttpException, HttpStatus, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { CsvFormatError } from '../common/csv/csv-reader';
import { LocationsService } from '../locations/locations.service';
import { field, FormBody, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { ImportFeedbackUseCase, ImportStoppedError } from './import-feedback.use-case';
import { SAVED_MAPPING_NAME_MAX, SavedMappings } from './saved-mappings.service';
import { StagedUploads } from './staged-uploads';
import { formatWithPattern } from './export-dates';
import { ColumnMapping, ExportPreview, MAPPING_FIELDS, MappingField, parseMapping, previewExport } from './survey-export';

const IMPORTERS = ['admin', 'marketer'] as const;

/** What each field means, in the marketer's words, in the order the mapping step asks. */
const FIELD_LABELS: Record<MappingField, { label: string; hint: string }> = {
  score: { label: 'Score (0–10)', hint: 'The question that asked how likely they are to recommend you.' },
  email: { label: 'Email', hint: 'Without it, responses count for NPS and reports, but nobody can be invited.' },
  comment: { label: 'Comment', hint: 'Why they gave that score, in their words.' },
  respondedAt: { label: 'Responded at', hint: 'When they answered. Without it, responses are dated at import.' },
  responseId: { label: 'Response ID', hint: 'Without it, each row gets an id from its content, so importing the file again changes nothing.' },
  location: { label: 'Location', hint: 'A column of location codes or names. Without it, choose one location for the whole file below.' },
  name: { label: 'Name', hint: '' },
  phone: { label: 'Phone', hint: '' },
  marketingConsent: { label: 'Marketing consent', hint: 'Their answer to “may we contact you”. Without it, nobody is invited.' },
  touchpoint: { label: 'Touchpoint', hint: 'Sales, service, … for the reports.' },
};
const ASKED: MappingField[] = ['score', 'email', 'comment', 'respondedAt', 'responseId', 'location', 'name', 'phone', 'marketingConsent', 'touchpoint'];

const ISO = 'iso';

/** Date formats offered on the mapping step (CLDR tokens); ISO 8601 and "… UTC" are read without one. */
const DATE_FORMATS = [
  { value: ISO, label: 'Automatic (ISO 8601, e.g. 2026-11-20 14:05:00)' },
  { value: 'M/d/yyyy H:mm:ss', label: 'Month first: 11/20/2026 14:05:00 (US, Google Forms)' },
  { value: 'M/d/yyyy H:mm', label: 'Month first: 11/20/2026 14:05' },
  { value: 'M/d/yyyy h:mm:ss a', label: 'Month first: 11/20/2026 2:05:00 PM (SurveyMonkey)' },
  { value: 'd/M/yyyy H:mm:ss', label: 'Day first: 20/11/2026 14:05:00' },
  { value: 'd/M/yyyy H:mm', label: 'Day first: 20/11/2026 14:05' },
  { value: 'd.M.yyyy H:mm:ss', label: 'Day first with dots: 20.11.2026 14:05:00' },
  { value: 'd.M.yyyy', label: 'Day first with dots: 20.11.2026' },
];

/**
 * The mapping step for survey-tool exports (Qualtrics, SurveyMonkey, Typeform, Google Forms, …): upload the
 * file as the tool gave it, see its columns with sample values and the proposed mapping, change what is
 * wrong, then import. The file waits in StagedUploads between the two steps. Works without JavaScript.
 */
@ApiExcludeController()
@Controller('dashboard/feedback/uploads')
export class SurveyUploadPagesController {
  constructor(
    private readonly staged: StagedUploads,
    private readonly useCase: ImportFeedbackUseCase,
    private readonly locations: LocationsService,
    private readonly savedMappings: SavedMappings,
  ) {}

  /** Multipart upload (field `file`); the CSRF token is in the query string, as for the plain import. */
  @Post()
  @Roles(...IMPORTERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async upload(@CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const part = request.isMultipart() ? await request.file() : undefined;
    if (!part || part.fieldname !== 'file') {
      part?.file.resume();
      return seeOther(reply, '/dashboard/feedback?upload=missing');
    }
    let id: string;
    try {
      id = await this.staged.save(part.file, actor, part.filename || null);
    } catch (error) {
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new HttpException('The file is larger than the upload limit', HttpStatus.PAYLOAD_TOO_LARGE);
      throw error;
    }
    return seeOther(reply, `/dashboard/feedback/uploads/${id}`);
  }

  @Get(':id')
  @Roles(...IMPORTERS)
  async mappingStep(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() reply: FastifyReply) {
    return this.render(reply, actor, id);
  }

  /** The confirmed mapping (form fields named after our fields, `dateFormat`, `fileLocation`): imports the staged file. */
  @Post(':id')
  @Roles(...IMPORTERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async confirm(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const upload = await this.staged.find(id, actor);
    if (!upload) throw new NotFoundException('This upload has expired or was already imported: upload the file again.');
    const chosen: Record<string, string> = {};
    for (const name of [...MAPPING_FIELDS, 'dateFormat']) if (field(body, name)) chosen[name] = field(body, name);
    if (chosen.dateFormat === ISO) delete chosen.dateFormat;
    const location = field(body, 'fileLocation') || undefined;
    const saveAs = field(body, 'save') === 'yes' ? field(body, 'saveName').slice(0, SAVED_MAPPING_NAME_MAX) : '';
    const form = { mapping: chosen, location, save: field(body, 'save') === 'yes', saveName: field(body, 'saveName') };
    if (field(body, 'save') === 'yes' && !saveAs) return this.render(reply, actor, id, { ...form, error: 'Give the mapping a name to save it, or untick “Save this mapping”.' });
    let mapping: ColumnMapping;
    try {
      mapping = parseMapping(JSON.stringify(chosen));
      const result = await this.useCase.run({ source: 'upload', filename: upload.filename, input: upload.open(), actor, mapping, location });
      if (saveAs && result.status === 'done') {
        const { header } = await previewExport(upload.open(), 0);
        await this.savedMappings.save(actor, { name: saveAs, signature: header.signature, mapping, locationCode: location });
      }
      await this.staged.remove(id);
      return seeOther(reply, `/dashboard/feedback/imports/${result.id}`);
    } catch (error) {
      if (error instanceof ImportStoppedError) {
        await this.staged.remove(id);
        return seeOther(reply, `/dashboard/feedback/imports/${error.importId}`);
      }
      if (!(error instanceof CsvFormatError)) throw error;
      return this.render(reply, actor, id, { ...form, error: error.message });
    }
  }

  private async render(
    reply: FastifyReply,
    actor: Actor,
    id: string,
    chosen?: { mapping: Record<string, string>; location?: string; save: boolean; saveName: string; error: string },
  ) {
    const upload = await this.staged.find(id, actor);
    if (!upload) throw new NotFoundException('This upload has expired or was already imported: upload the file again.');
    let preview: ExportPreview;
    try {
      preview = await this.useCase.preview(upload.open());
    } catch (error) {
      if (!(error instanceof CsvFormatError)) throw error;
      await this.staged.remove(id);
      const context = staffContext(reply, actor, { title: 'Map the columns', section: 'feedback' }, { unreadable: error.message, filename: upload.filename });
      return renderPage(reply, 'pages/staff/feedback-mapping.hbs', context, 400);
    }
    // A mapping saved for files with exactly these header rows comes first; the proposal otherwise.
    const saved = chosen ? null : await this.savedMappings.forSignature(preview.header.signature);
    const mapping: Record<string, string | undefined> = chosen?.mapping ?? { ...(saved?.mapping ?? preview.proposal.mapping) };
    const names = preview.header.names;
    const fields = ASKED.map((name) => {
      // The score offers only columns whose values are all 0–10 whole numbers (never a 0/1 or a 1–6 ranking).
      const options = name === 'score' ? preview.proposal.scoreCandidates : names.filter(Boolean);
      return { name, ...FIELD_LABELS[name], selected: mapping[name] ?? '', options, required: name === 'score' };
    });
    const locations = await this.locations.list(actor);
    // Dates such as 11/1/2019 could be either order: the marketer chooses (nothing is preselected).
    const dateAmbiguous = !chosen && !saved && !mapping.dateFormat && preview.proposal.questions.some((q) => q.includes('day-first or month-first'));
    const dateFormat = mapping.dateFormat ?? (dateAmbiguous ? '' : ISO);
    const context = staffContext(reply, actor, { title: 'Map the columns', section: 'feedback' }, {
      id,
      filename: upload.filename,
      preview,
      fields,
      noScore: preview.proposal.scoreCandidates.length === 0,
      questions: chosen || saved ? [] : preview.proposal.questions,
      error: chosen?.error,
      saved: saved?.name,
      save: chosen ? chosen.save : true,
      saveName: chosen?.saveName ?? saved?.name ?? defaultName(preview, upload.filename),
      saveNameMax: SAVED_MAPPING_NAME_MAX,
      locations,
      location: chosen?.location ?? saved?.locationCode ?? (locations.length === 1 ? locations[0].code : ''),
      locationColumn: Boolean(mapping.location),
      dateFormats: dateFormatOptions(dateFormat, dateAmbiguous ? preview.proposal.dateChoices : undefined),
      dateFormat,
      dateAmbiguous,
      layout: layoutText(preview.header.layout, preview.header.rows),
      encoding: preview.decoding.encoding.toUpperCase(),
    });
    return renderPage(reply, 'pages/staff/feedback-mapping.hbs', context, chosen ? 400 : 200);
  }
}

/**
 * The date formats offered: when the file's dates could be either order, its own two shapes come first (month
 * first, day first, each with an example); then the usual ones, and the chosen one if it is none of those.
 */
function dateFormatOptions(chosen: string, choices: string[] | undefined): { value: string; label: string }[] {
  const example = new Date(Date.UTC(2026, 10, 20, 14, 5, 0));
  const own = (choices ?? []).map((value, i) => ({ value, label: `${i === 0 ? 'Month first' : 'Day first'}: ${formatWithPattern(example, value)}` }));
  const options = [...own, ...DATE_FORMATS.filter((f) => !choices?.includes(f.value))];
  return chosen && !options.some((f) => f.value === chosen)
    ? [...options, { value: chosen, label: `${formatWithPattern(example, chosen)} (${chosen})` }]
    : options;
}

/** How the file's header reads, in words: "a Qualtrics export (3 header rows)". */
function layoutText(layout: ExportPreview['header']['layout'], rows: number): string {
  const headerRows = `${rows} header row${rows === 1 ? '' : 's'}`;
  const tool = { qualtrics: 'Qualtrics', 'qualtrics-legacy': 'legacy Qualtrics', surveymonkey: 'SurveyMonkey', plain: null }[layout];
  return tool ? `a ${tool} export (${headerRows})` : headerRows;
}

/** What a new mapping is called unless the marketer says otherwise: the tool and the file's name. */
function defaultName(preview: ExportPreview, filename: string | null): string {
  const tool = { qualtrics: 'Qualtrics', 'qualtrics-legacy': 'Qualtrics', surveymonkey: 'SurveyMonkey', plain: '' }[preview.header.layout];
  const base = (filename ?? 'survey').replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[_-]+/g, ' ').trim();
  return (tool ? `${tool}: ${base}` : base).slice(0, SAVED_MAPPING_NAME_MAX);
}
