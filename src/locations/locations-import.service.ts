import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Actor } from '../common/actor';
import { AuditService } from '../audit/audit.service';
import { readCsv } from '../common/csv/csv-reader';
import { validatePlain } from '../common/validation/validate-plain';
import { CreateLocationDto } from './dto/location.dto';
import { LocationsRepository } from './locations.repository';
import { LocationsService } from './locations.service';

export interface LocationImportReport {
  created: number;
  updated: number;
  rejected: { line: number; code?: string; reason: string }[];
}

const COLUMNS: Record<keyof CreateLocationDto, string[]> = {
  code: ['location_code', 'location'],
  name: ['location_name'],
  address: ['street', 'street_address'],
  city: ['town'],
  timezone: ['time_zone', 'tz'],
  locale: ['language'],
  websiteUrl: ['website_url', 'website', 'url'],
  reviewUrl: ['review_url', 'review_link'],
  managerEmail: ['manager_email', 'manager'],
  phone: ['phone_number', 'telephone', 'tel'],
  openingHours: ['opening_hours', 'hours', 'open_hours'],
};

const BATCH = 500;

/** Locations CSV (DESIGN.md): bad rows are reported with their line and skipped; good rows are upserted by code. */
@Injectable()
export class LocationsImportService {
  constructor(
    private readonly locations: LocationsRepository,
    private readonly service: LocationsService,
    private readonly audit: AuditService,
  ) {}

  async import(input: Readable, actor: Actor): Promise<LocationImportReport> {
    const report: LocationImportReport = { created: 0, updated: 0, rejected: [] };
    const seen = new Map<string, number>();
    let batch: { line: number; dto: CreateLocationDto; fields: string[] }[] = [];

    const rows = readCsv(input, {
      aliases: COLUMNS,
      required: ['code', 'name'],
      onRowError: (error) => report.rejected.push(error),
    });
    for await (const row of rows) {
      const result = validatePlain(CreateLocationDto, row.fields);
      if (!result.value) {
        report.rejected.push({ line: row.line, code: row.fields.code?.trim() || undefined, reason: result.errors.join('; ') });
        continue;
      }
      const previous = seen.get(result.value.code);
      if (previous) {
        report.rejected.push({ line: row.line, code: result.value.code, reason: `Duplicate code, already on line ${previous}` });
        continue;
      }
      seen.set(result.value.code, row.line);
      batch.push({ line: row.line, dto: result.value, fields: Object.keys(row.fields) });
      if (batch.length >= BATCH) {
        await this.flush(batch, report);
        batch = [];
      }
    }
    await this.flush(batch, report);
    await this.audit.record(actor, {
      action: 'location.import',
      details: { created: report.created, updated: report.updated, rejected: report.rejected.length },
    });
    return report;
  }

  private async flush(batch: { dto: CreateLocationDto; fields: string[] }[], report: LocationImportReport) {
    if (batch.length === 0) return;
    await this.locations.transaction(async (manager) => {
      const existing = await this.locations.existingCodes(batch.map((b) => b.dto.code), manager);
      // A column the file does not have keeps its stored value on update.
      await this.locations.upsertFromImport(
        batch.map((b) => b.dto),
        [...new Set(batch.flatMap((b) => b.fields))] as (keyof CreateLocationDto)[],
        manager,
      );
      report.updated += batch.filter((b) => existing.has(b.dto.code)).length;
      report.created += batch.filter((b) => !existing.has(b.dto.code)).length;
    });
    this.service.forgetIndex();
  }
}
