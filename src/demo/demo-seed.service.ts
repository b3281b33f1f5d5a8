import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { LocationsService } from '../locations/locations.service';
import { UsersService } from '../users/users.service';
import { DEMO_LOCATIONS, DEMO_STAFF } from './demo-data';

export interface DemoSeedReport {
  locations: string[];
  /** Printed once: the only place demo passwords ever appear. */
  credentials: { email: string; role: string; password: string }[];
}

/** Demo data for a newcomer; each capability adds its part here. Idempotent: existing rows are kept. */
@Injectable()
export class DemoSeedService {
  private readonly logger = new Logger(DemoSeedService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly locations: LocationsService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
  ) {}

  /** True when the database has never been seeded and holds no locations: `npm start` seeds it once. */
  async isFresh(): Promise<boolean> {
    const seeded = await this.dataSource.getRepository(AuditEvent).existsBy({ action: 'demo.seed' });
    return !seeded && (await this.locations.list({ type: 'system', id: null })).length === 0;
  }

  async seed(actor: Actor): Promise<DemoSeedReport> {
    const report: DemoSeedReport = { locations: [], credentials: [] };
    for (const location of DEMO_LOCATIONS) {
      if (await this.locations.findByCode(location.code)) continue;
      await this.locations.create(actor, location);
      report.locations.push(location.code);
    }
    for (const staff of DEMO_STAFF) {
      const created = await this.users.create(actor, staff).catch((error: unknown) => {
        if (error instanceof ConflictException) return null; // already there from an earlier seed
        throw error;
      });
      if (created) report.credentials.push({ email: staff.email, role: staff.role, password: created.password! });
    }
    await this.audit.record(actor, {
      action: 'demo.seed',
      details: { locations: report.locations.length, users: report.credentials.length },
    });
    this.logger.log(`demo data seeded: ${report.locations.length} locations, ${report.credentials.length} users`);
    return report;
  }
}
