import { Injectable, NotFoundException } from '@nestjs/common';
import { Readable } from 'node:stream';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { readCsv } from '../common/csv/csv-reader';
import { validatePlain } from '../common/validation/validate-plain';
import { Location } from '../locations/location.entity';
import { LocationsService } from '../locations/locations.service';
import { RosterEntryDto } from './dto/insights.dto';
import { InsightsRepository } from './insights.repository';
import { RosterEntry } from './roster-entry.entity';

export interface RosterImportReport {
  created: number;
  updated: number;
  rejected: { line: number; reason: string }[];
}

const COLUMNS = {
  location_code: ['location', 'code'],
  first_name: ['firstname', 'name'],
  role: ['job', 'title'],
  never_match: ['nevermatch'],
};

/**
 * Each location's staff roster (first name, optional role, "never match"). Staff who may see a location
 * may keep its roster: a dealer knows their own team, and sees no other location's (404).
 */
@Injectable()
export class RosterService {
  constructor(
    private readonly repo: InsightsRepository,
    private readonly locations: LocationsService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, code: string): Promise<{ location: Location; entries: RosterEntry[] }> {
    const location = await this.locations.get(actor, code);
    return { location, entries: await this.repo.roster([location.id]) };
  }

  /** Entries of one location, for kudos (no actor: the caller has checked access). */
  entriesFor(locationId: string): Promise<RosterEntry[]> {
    return this.repo.roster([locationId]);
  }

  async add(actor: Actor, code: string, dto: RosterEntryDto): Promise<void> {
    const location = await this.locations.get(actor, code);
    await this.repo.transaction(async (manager) => {
      const created = await this.repo.upsertRosterEntry(manager, { locationId: location.id, firstName: dto.firstName, role: dto.role ?? null, neverMatch: dto.neverMatch ?? false });
      await this.audit.record(actor, { action: created ? 'roster.add' : 'roster.update', subjectType: 'location', subjectId: location.id }, manager);
    });
  }

  async remove(actor: Actor, code: string, id: string): Promise<void> {
    const location = await this.locations.get(actor, code);
    if (!(await this.repo.deleteRosterEntry(location.id, id))) throw new NotFoundException('No such roster entry');
    await this.audit.record(actor, { action: 'roster.remove', subjectType: 'location', subjectId: location.id, details: { entryId: id } });
  }

  /** `location_code,first_name,role,never_match`; a row for a location the actor can't see is rejected like an unknown one. */
  async import(input: Readable, actor: Actor): Promise<RosterImportReport> {
    const report: RosterImportReport = { created: 0, updated: 0, rejected: [] };
    const byCode = new Map<string, Location | null>();
    const rows = readCsv(input, { aliases: COLUMNS, required: ['location_code', 'first_name'], onRowError: (e) => report.rejected.push(e) });
    const good: { line: number; locationId: string; dto: RosterEntryDto }[] = [];
    for await (const row of rows) {
      const code = (row.fields.location_code ?? '').trim().toUpperCase();
      if (!byCode.has(code)) byCode.set(code, await this.locations.get(actor, code).catch(() => null));
      const location = byCode.get(code);
      if (!location) {
        report.rejected.push({ line: row.line, reason: `Unknown location code ${code || '(empty)'}` });
        continue;
      }
      const never = (row.fields.never_match ?? '').trim().toLowerCase();
      if (never && !['yes', 'no', 'true', 'false', '1', '0', 'y', 'n', 'x'].includes(never)) {
        report.rejected.push({ line: row.line, reason: 'never_match must be yes or no' });
        continue;
      }
      const result = validatePlain(RosterEntryDto, {
        firstName: row.fields.first_name,
        role: row.fields.role || undefined,
        neverMatch: ['yes', 'true', '1', 'y', 'x'].includes(never),
      });
      if (!result.value) {
        report.rejected.push({ line: row.line, reason: result.errors.join('; ') });
        continue;
      }
      good.push({ line: row.line, locationId: location.id, dto: result.value });
    }
    await this.repo.transaction(async (manager) => {
      for (const { locationId, dto } of good) {
        const created = await this.repo.upsertRosterEntry(manager, { locationId, firstName: dto.firstName, role: dto.role ?? null, neverMatch: dto.neverMatch ?? false });
        report[created ? 'created' : 'updated'] += 1;
      }
      await this.audit.record(actor, { action: 'roster.import', details: { created: report.created, updated: report.updated, rejected: report.rejected.length } }, manager);
    });
    report.rejected.sort((a, b) => a.line - b.line);
    return report;
  }
}
