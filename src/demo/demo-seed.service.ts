import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { LocationsService } from '../locations/locations.service';
import { UsersService } from '../users/users.service';
import { DEMO_LOCATIONS, DEMO_REWARD_OFFER, DEMO_ROSTER, DEMO_STAFF, demoFeedbackCsv } from './demo-data';
import { DigestService } from '../insights/digest.service';
import { RosterService } from '../insights/roster.service';
import { RewardOffersService } from '../rewards/reward-offers.service';
import { Readable } from 'node:stream';
import { CustomersService } from '../customers/customers.service';
import { ImportFeedbackUseCase } from '../feedback/import-feedback.use-case';
import { CampaignsService } from '../campaigns/campaigns.service';
import { DemoRecommendations } from './demo-recommendations';

export interface DemoSeedReport {
  locations: string[];
  /** Demo feedback responses imported (0 when they were there already). */
  feedback: number;
  /** Demo campaigns created (a draft, ready for a dry run). */
  campaigns: number;
  /** Demo recommendations approved, with their shares and tracked links (0 when they were there already). */
  recommendations: number;
  /** Printed once: the only place demo passwords ever appear. */
  credentials: { email: string; role: string; password: string }[];
}

/**
 * Demo data for a newcomer; each capability adds its part here, always through the owning module's
 * services and use cases (never by writing another module's tables). Idempotent: existing rows are kept.
 */
@Injectable()
export class DemoSeedService {
  private readonly logger = new Logger(DemoSeedService.name);

  constructor(
    private readonly locations: LocationsService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly feedback: ImportFeedbackUseCase,
    private readonly customers: CustomersService,
    private readonly campaigns: CampaignsService,
    private readonly recommendations: DemoRecommendations,
    private readonly rewardOffers: RewardOffersService,
    private readonly roster: RosterService,
    private readonly digests: DigestService,
  ) {}

  /** True when the database has never been seeded and holds no locations: `npm start` seeds it once. */
  async isFresh(): Promise<boolean> {
    const seeded = await this.audit.hasAction('demo.seed');
    return !seeded && (await this.locations.list({ type: 'system', id: null })).length === 0;
  }

  async seed(actor: Actor): Promise<DemoSeedReport> {
    const report: DemoSeedReport = { locations: [], feedback: 0, campaigns: 0, recommendations: 0, credentials: [] };
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
    // The recommendations' campaign runs before the other demo feedback comes in: its fan-out then finds only its advocates.
    const advocates = await this.recommendations.seed(actor);
    report.recommendations = advocates.recommendations;
    report.feedback = advocates.feedback + (await this.seedFeedback(actor));
    report.campaigns = await this.seedCampaign(actor);
    await this.seedWeek(actor);
    await this.audit.record(actor, {
      action: 'demo.seed',
      details: {
        locations: report.locations.length,
        users: report.credentials.length,
        feedback: report.feedback,
        recommendations: report.recommendations,
      },
    });
    this.logger.log(
      `demo data seeded: ${report.locations.length} locations, ${report.credentials.length} users, ` +
        `${report.feedback} feedback responses, ${report.recommendations} recommendations`,
    );
    return report;
  }

  /**
   * Each location's staff roster, so its weekly page has kudos, and this week's digest email for each
   * (in `DATA_DIR/outbox/` without SMTP), sent the way Monday's is: once per recipient and week.
   */
  private async seedWeek(actor: Actor): Promise<void> {
    await this.roster.import(Readable.from([Buffer.from(DEMO_ROSTER)]), actor);
    for (const location of DEMO_LOCATIONS) await this.digests.sendCurrentWeek(location.code);
  }

  /** A few hundred responses through the real import (once: their dates are relative to the first seeding). */
  private async seedFeedback(actor: Actor): Promise<number> {
    const csv = demoFeedbackCsv(new Date());
    const firstEmail = csv.split('\n')[1].split(',')[1];
    if ((await this.customers.resolveIds([firstEmail])).size > 0) return 0;
    const result = await this.feedback.run({ source: 'cli', filename: 'demo-feedback.csv', input: Readable.from([Buffer.from(csv)]), actor });
    return result.accepted;
  }

  /**
   * A draft campaign for every demo location, so the campaign pages have something to dry-run and launch.
   * It sends at any hour: whoever tries the demo sees the invitations in `DATA_DIR/outbox/` at once.
   */
  private async seedCampaign(actor: Actor): Promise<number> {
    const name = 'Demo: good words from our promoters';
    if ((await this.campaigns.list(actor)).some((c) => c.name === name)) return 0;
    const campaign = await this.campaigns.create(actor, { name, locations: 'all', minScore: 9, lookBackDays: 180, reminderAfterDays: 5, sendingHours: { from: 0, to: 24 } });
    // With a thank-you, so the walk through the demo shows the opt-in box and ends with a code by email.
    await this.rewardOffers.create(actor, campaign.id, DEMO_REWARD_OFFER);
    return 1;
  }
}
