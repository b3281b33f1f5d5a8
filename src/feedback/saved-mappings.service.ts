import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { cleanName } from '../common/text/invisible-characters';
import { SavedMapping } from './saved-mapping.entity';
import { ColumnMapping } from './survey-export';

export const SAVED_MAPPING_NAME_MAX = 100;

/**
 * Mappings kept per source under a name the marketer chose: saving under an existing name replaces it (the
 * survey changed), and the newest one saved for a file's header rows is the one proposed for the next file.
 */
@Injectable()
export class SavedMappings {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The mapping saved for files with these header rows (the latest, when several were), or null. */
  forSignature(signature: string): Promise<SavedMapping | null> {
    return this.dataSource.manager.findOne(SavedMapping, { where: { signature }, order: { updatedAt: 'DESC' } });
  }

  async save(actor: Actor, input: { name: string; signature: string; mapping: ColumnMapping; locationCode?: string }): Promise<SavedMapping> {
    const name = cleanName(input.name).slice(0, SAVED_MAPPING_NAME_MAX);
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOne(SavedMapping, { where: { name } });
      const row = manager.create(SavedMapping, {
        ...(existing ?? {}),
        name,
        signature: input.signature,
        mapping: input.mapping,
        locationCode: input.locationCode?.trim().toUpperCase() || null,
        updatedAt: new Date(),
      });
      const saved = await manager.save(SavedMapping, row);
      await this.audit.record(actor, { action: 'import_mapping.save', subjectType: 'saved_mapping', subjectId: saved.id, details: { replaced: Boolean(existing) } }, manager);
      return saved;
    });
  }
}
