import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { CsvFormatError, readCsv } from '../common/csv/csv-reader';
import { stripBidiControls } from '../common/text/invisible-characters';
import { LocationsService } from '../locations/locations.service';
import { SettingsService } from '../settings/settings.service';
import { FEEDBACK_CSV_COLUMNS, parseCsvRecord, REQUIRED_CSV_COLUMNS } from './feedback-csv';
import { LIMITS } from './feedback-fields';
import { FeedbackImport, ImportSource } from './feedback-import.entity';
import { FeedbackIngestService, IngestContext, IngestItem } from './feedback-ingest.service';
import { ImportCounts, ImportsRepository, RejectedRow } from './imports.repository';
import { BatchWrites } from './batch-writes';
import { HeapCeiling } from './heap-ceiling';
import { IMPORT_HEARTBEAT_MS } from './interrupted-imports';
import { LocationDirectory } from './location-directory';
import { ColumnMapping, ExportPreview, mapRow, PreviewOptions, NO_SCORE_COLUMN_MESSAGE, previewExport, readExport, resolveMapping, SAMPLE_ROWS, settleDateFormat } from './survey-export';

export interface ImportRequest {
  source: ImportSource;
  filename: string | null;
  input: Readable;
  actor: Actor;
  /** A client-chosen id (the upload page polls it while uploading); a new one otherwise. */
  id?: string;
  /** A survey-tool export read through this mapping (header rows, encodings and dates as the tool writes them). */
  mapping?: ColumnMapping;
  /** The location code of every row when the mapping names no location column. */
  location?: string;
}

/** An import that stopped part-way for a reason other than the file's format; the message is in words. */
export class ImportStoppedError extends Error {
  constructor(
    readonly importId: string,
    message: string,
  ) {
    super(message);
  }
}

/** Data rows per batch: one transaction and a handful of statements each. */
export const IMPORT_BATCH_ROWS = 5000;
/**
 * PostgreSQL: batches written at once, each on its own connection. Each batch is a chain of round trips, so two
 * left the database and this process waiting on each other about a fifth of the time; three kept both busier
 * (a 1M-row import on 2 cores: 79 → 75 s). More gained nothing there and holds more pool connections.
 */
const POSTGRES_BATCHES_IN_FLIGHT = 3;
/** SQLite: pause between batches so requests waiting for the shared connection get their turn. */
const SQLITE_BREATHER_MS = 15;

interface Batch {
  items: IngestItem[];
  errors: RejectedRow[];
}

/** Said on the result of an import whose file has no response-time column (DESIGN.md, Response time). */
export const NO_RESPONSE_TIME_NOTICE =
  'The file has no response-time column (responded_at, or an export\'s Created At, RecordedDate, End Date, ' +
  'Submit Date (UTC) or Timestamp): its new responses were dated at the time of import, so each customer is judged ' +
  'by the last line of the file that names them, and detractor alerts were raised as if the answers were new.';

/** What the file said about its rows, for the result's notice. */
interface ReadFacts {
  /** The file has a response-time column. */
  timed: boolean;
  /** Rows read without an email address. */
  withoutEmail: number;
}

/** What the result says beyond counts and rejected rows. */
function noticeOf(result: FeedbackImport, facts: ReadFacts): string | null {
  if (result.rows === 0) return null;
  const notes: string[] = [];
  if (!facts.timed) notes.push(NO_RESPONSE_TIME_NOTICE);
  else if (result.undated > 0) {
    notes.push(`${result.undated} new response${result.undated === 1 ? ' has' : 's have'} no response time in the file: dated at the time of import.`);
  }
  if (facts.withoutEmail > 0) notes.push(noEmailNotice(facts.withoutEmail, result.rows));
  return notes.length ? notes.join(' ') : null;
}

/** Responses without an address count for NPS, reports and themes; nobody can be invited from them. */
function noEmailNotice(withoutEmail: number, rows: number): string {
  const which = withoutEmail >= rows ? 'The file has no email addresses' : `${withoutEmail} row${withoutEmail === 1 ? ' has' : 's have'} no email address`;
  return `${which}: those responses count for NPS, reports and themes, but nobody can be invited from them.`;
}

/**
 * Imports a Feedback CSV — the one flow behind the staff upload page, `POST /api/imports` and
 * `feedback:import`. The file is streamed through the parser (never held whole); rows are validated
 * one by one, written in batches, and each batch's counts and rejected rows are committed with it, so
 * `GET /api/imports/:id` shows progress. The next batch is parsed while the previous one is written.
 * A whole-file problem (not a CSV, no header, a required column missing) is found before any row is
 * written: the import is marked failed and CsvFormatError is thrown.
 */
@Injectable()
export class ImportFeedbackUseCase {
  private readonly logger = new Logger(ImportFeedbackUseCase.name);
  private readonly heap = new HeapCeiling();

  constructor(
    private readonly imports: ImportsRepository,
    private readonly ingest: FeedbackIngestService,
    private readonly locations: LocationsService,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
  ) {}

  async run(request: ImportRequest): Promise<FeedbackImport> {
    const id = request.id ?? randomUUID();
    if (request.id && (await this.imports.exists(id))) throw new ConflictException(`An import with id ${id} already exists`);
    await this.imports.create({
      id,
      source: request.source,
      filename: request.filename ? stripBidiControls(request.filename).slice(0, 255) : null,
      actorType: request.actor.type,
      actorId: request.actor.id,
    });
    const context: IngestContext = {
      actor: request.actor,
      locations: await LocationDirectory.load(this.locations),
      alertWindowDays: (await this.settings.get()).alertWindowDays,
      deferFlush: true,
    };

    let failure: Error | undefined;
    // Proof of life for InterruptedImports in other processes (an upload may stream for minutes between batches).
    const heartbeat = setInterval(() => {
      this.imports.heartbeat(id).catch((error: unknown) => this.logger.warn({ msg: 'import heartbeat failed', importId: id, error: String(error) }));
    }, IMPORT_HEARTBEAT_MS);
    heartbeat.unref();
    let facts: ReadFacts = { timed: false, withoutEmail: 0 };
    try {
      facts = await this.readAndWrite(id, request, context);
    } catch (error) {
      failure = error as Error;
    } finally {
      clearInterval(heartbeat);
    }
    const message = !failure ? null : failure instanceof CsvFormatError ? failure.message : describeFailure(failure, id);
    const counted = (await this.imports.findById(id))!;
    await this.imports.finish(id, failure ? 'failed' : 'done', message, failure ? null : noticeOf(counted, facts));
    const result = (await this.imports.findById(id))!;
    await this.audit.record(request.actor, {
      action: 'feedback.import',
      subjectType: 'import',
      subjectId: id,
      details: {
        source: result.source,
        status: result.status,
        rows: result.rows,
        accepted: result.accepted,
        rejected: result.rejected,
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        alerts: result.alerts,
        undated: result.undated,
      },
    });
    if (failure) {
      if (failure instanceof CsvFormatError || isTooLarge(failure)) throw failure;
      this.logger.error({ msg: 'feedback import failed', importId: id, err: failure });
      throw new ImportStoppedError(id, message!);
    }
    return result;
  }

  /** The mapping step: header rows, columns with samples, and the proposal (a location column told by its answers too). */
  async preview(input: Readable, options: Pick<PreviewOptions, 'whole'> = {}): Promise<ExportPreview> {
    const locations = await LocationDirectory.load(this.locations);
    return previewExport(input, SAMPLE_ROWS, { ...options, knowsLocation: (cell) => locations.find(cell) !== undefined });
  }

  /** Returns what the file said about its rows (a response-time column; rows without email). */
  private async readAndWrite(id: string, request: ImportRequest, context: IngestContext): Promise<ReadFacts> {
    let batch: Batch = { items: [], errors: [] };
    const writes = new BatchWrites(this.imports.dialect() === 'postgres' ? POSTGRES_BATCHES_IN_FLIGHT : 1);
    const flush = async () => {
      const full = batch;
      batch = { items: [], errors: [] };
      await writes.start(new Set(full.items.map((item) => item.input.responseId)), () => this.writeBatch(id, full, context));
      if (writes.concurrency === 1) {
        await writes.settled();
        await new Promise((resolve) => setTimeout(resolve, SQLITE_BREATHER_MS));
      }
    };

    const rows = request.mapping
      ? await this.mappedRows(request.input, request.mapping, request.location, context.locations)
      : readCsv(request.input, {
          aliases: FEEDBACK_CSV_COLUMNS,
          required: REQUIRED_CSV_COLUMNS,
          onRowError: (error) => batch.errors.push({ line: error.line, responseId: null, reason: error.reason }),
        });
    const now = Date.now();
    let facts: ReadFacts;
    try {
      facts = await this.readRows(rows, () => batch, flush, now);
      await flush();
    } finally {
      await writes.settled(); // never leave a batch transaction running behind the import's final status
    }
    writes.throwIfFailed();
    return facts;
  }

  /**
   * A survey-tool export through its mapping: rows keyed by the contract's columns, as readCsv yields
   * them. Whole-file problems (no 0–10 column, no location, a mapped column missing) are refused here,
   * before any row is written.
   */
  private async mappedRows(
    input: Readable,
    mapping: ColumnMapping,
    location: string | undefined,
    locations: LocationDirectory,
  ): Promise<AsyncIterable<{ line: number; fields: Record<string, string> }>> {
    if (!mapping.score) throw new CsvFormatError(NO_SCORE_COLUMN_MESSAGE);
    const code = location?.trim().toUpperCase();
    if (!mapping.location && !code) {
      throw new CsvFormatError('No location: choose the location these responses are for, or the column that names it.');
    }
    const fixed = code ? (locations.getByCode(code) ?? (await locations.byCodeOrRefresh(code))) : undefined;
    if (code && !fixed && !mapping.location) throw new CsvFormatError(`No location has the code ${code}.`);
    const reader = await readExport(input);
    const resolved = resolveMapping(mapping, reader.header);
    const rows = await settleDateFormat(reader, resolved);
    return (async function* () {
      for await (const row of rows) {
        // A location column may hold codes or names; an empty cell falls back to the file's location.
        const cell = resolved.index.location === undefined ? '' : (row.cells[resolved.index.location] ?? '').trim();
        const found = cell ? locations.find(cell) : fixed;
        const fields = mapRow(reader.header, resolved, row.cells, { location: code, zone: found?.timezone ?? 'UTC' });
        fields.location_code = found?.code ?? (cell || code || '');
        yield { line: row.line, fields };
      }
    })();
  }

  private async readRows(
    rows: AsyncIterable<{ line: number; fields: Record<string, string> }>,
    current: () => Batch,
    flush: () => Promise<void>,
    now: number,
  ): Promise<ReadFacts> {
    // The reader keys fields by recognised column, so a row with the key came from a file that has one.
    const facts: ReadFacts = { timed: false, withoutEmail: 0 };
    for await (const row of rows) {
      facts.timed ||= 'responded_at' in row.fields;
      const batch = current();
      const result = parseCsvRecord(row.fields, now);
      if (result.value) {
        batch.items.push({ ref: row.line, input: result.value });
        if (result.value.email === null) facts.withoutEmail++;
      } else
        batch.errors.push({
          line: row.line,
          responseId: row.fields.response_id?.trim().slice(0, LIMITS.responseId) || null,
          reason: result.errors.join('; '),
        });
      if (batch.items.length + batch.errors.length >= IMPORT_BATCH_ROWS) await flush();
    }
    return facts;
  }

  private async writeBatch(id: string, batch: Batch, context: IngestContext): Promise<void> {
    if (batch.items.length === 0 && batch.errors.length === 0) return;
    this.heap.check();
    await this.ingest.ingest(batch.items, context, async (manager, outcome) => {
      const errors = [
        ...batch.errors,
        ...outcome.rejected.map((r) => ({ line: r.ref, responseId: r.responseId, reason: r.reason })),
      ];
      const counts: ImportCounts = {
        rows: batch.items.length + batch.errors.length,
        accepted: outcome.created + outcome.updated + outcome.unchanged,
        rejected: errors.length,
        created: outcome.created,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        alerts: outcome.alerts,
        undated: outcome.undated,
      };
      await this.imports.insertErrors(id, errors, manager);
      await this.imports.addCounts(id, counts, manager);
    });
  }
}

/**
 * What staff read on the import page and in the API when an import stops: words, never the driver's
 * message (it may quote the data and means nothing to them). The raw error goes to the log, with the id.
 */
export function describeFailure(error: Error, importId: string): string {
  const code = (error as { code?: string }).code;
  const kept = 'The counts show what was saved before it; importing the same file again completes the import without duplicating rows.';
  if (isTooLarge(error)) return 'The import stopped: the file is larger than the upload limit. ' + kept;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || /aborted|premature close/i.test(error.message ?? '')) {
    return 'The import stopped: the upload was interrupted before the whole file arrived. ' + kept;
  }
  const cause = error instanceof QueryFailedError || 'driverError' in error ? 'the database refused a batch of rows' : 'an unexpected error on our side';
  return `The import stopped: ${cause}. ${kept} If it happens again, quote import ${importId} to your administrator.`;
}

const isTooLarge = (error: Error) => (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';
