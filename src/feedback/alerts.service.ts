import { uuid7 } from '../database/uuid7';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { CustomersService, CustomerState } from '../customers/customers.service';
import { OutboxService } from '../jobs/outbox.service';
import { SuppressionList } from '../preferences/suppression-list.service';
import { LocationsService } from '../locations/locations.service';
import { SEND_EMAIL_JOB } from '../notifications/send-email.job';
import { AlertsRepository } from './alerts.repository';
import { AlertStatus, DetractorAlert } from './detractor-alert.entity';
import { FeedbackRepository } from './feedback.repository';
import { LocationDirectory } from './location-directory';
import { scopedLocationIds } from './scope';

/** A detractor response that may deserve an alert (the caller has checked segment, novelty and window). */
export interface AlertCandidate {
  /** feedback_response id */
  responseId: string;
  customerId: string;
  locationId: string;
  score: number;
  comment: string | null;
  respondedAt: Date;
}

export interface AlertView {
  id: string;
  status: AlertStatus;
  locationCode: string;
  locationName: string;
  /** The feedback source's response id. */
  responseId: string;
  score: number;
  comment: string | null;
  respondedAt: Date;
  /** Only when the customer consented to be contacted. */
  customerName: string | null;
  customerEmail: string | null;
  notified: boolean;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
}

export const ALERT_CSV_COLUMNS = [
  'id', 'status', 'locationCode', 'locationName', 'responseId', 'score', 'comment', 'respondedAt',
  'customerName', 'customerEmail', 'notified', 'createdAt', 'resolvedAt', 'resolvedBy', 'resolutionNote',
] as const;

/**
 * Detractor alerts: the closed loop. An alert is raised once per response (unique in the database),
 * emails the location's manager through the outbox (committed with the alert), and is resolved by
 * staff with a note. Dealers see and resolve only their locations' alerts. Every change is audited.
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly responses: FeedbackRepository,
    private readonly customers: CustomersService,
    private readonly locations: LocationsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly suppression: SuppressionList,
  ) {}

  /**
   * The customers by id, each with whether they may be named to the manager: the survey recorded
   * consent and the address has not opted out since (the same truth as the promoter list).
   */
  private async consenting(ids: string[], manager?: EntityManager): Promise<Map<string, { customer: CustomerState; consented: boolean }>> {
    const customers = await this.customers.findByIds(ids, manager);
    const optedOut = await this.suppression.optedOutAmong(customers.filter((c) => c.marketingConsent), manager);
    return new Map(customers.map((c) => [c.id, { customer: c, consented: c.marketingConsent && !optedOut.has(c.id) }]));
  }

  /**
   * Raises alerts for these candidates in the caller's transaction (customers must already be up to
   * date in it: the email names the customer only if their consent says so). Returns how many were
   * new; the caller kicks the outbox after the commit.
   */
  async raise(actor: Actor, candidates: AlertCandidate[], directory: LocationDirectory, now: Date, manager: EntityManager): Promise<number> {
    if (candidates.length === 0) return 0;
    const created = await this.alerts.insertMany(
      candidates.map((c) => ({
        id: uuid7(),
        responseId: c.responseId,
        locationId: c.locationId,
        notified: Boolean(directory.get(c.locationId)?.managerEmail),
      })),
      now,
      manager,
    );
    if (created.size === 0) return 0;
    const fresh = candidates.filter((c) => created.has(c.responseId));
    const customers = await this.consenting([...new Set(fresh.map((c) => c.customerId))], manager);
    for (const candidate of fresh) {
      const location = directory.get(candidate.locationId);
      if (!location?.managerEmail) continue;
      const { customer, consented = false } = customers.get(candidate.customerId) ?? {};
      await this.outbox.add(manager, SEND_EMAIL_JOB, {
        to: location.managerEmail,
        template: 'detractor-alert',
        subject: `Detractor alert: ${candidate.score}/10 at ${location.name}`,
        kind: 'transactional',
        context: {
          locationName: location.name,
          locationCode: location.code,
          score: candidate.score,
          comment: candidate.comment,
          respondedAt: formatTime(candidate.respondedAt),
          consented,
          customerName: consented ? customer?.name ?? null : null,
          customerEmail: consented ? customer?.email ?? null : null,
          alertsUrl: `${this.config.publicUrl}/dashboard/alerts`,
        },
      });
    }
    await this.audit.recordMany(
      actor,
      fresh.map((c) => ({
        action: 'alert.create',
        subjectType: 'alert',
        subjectId: created.get(c.responseId)!,
        details: { responseId: c.responseId, locationId: c.locationId },
      })),
      manager,
      now,
    );
    return created.size;
  }

  async list(
    actor: Actor,
    filter: { status?: AlertStatus; location?: string; order?: 'newest' | 'oldest' },
    limit: number,
    offset: number,
  ): Promise<AlertView[]> {
    const locationIds = await scopedLocationIds(this.locations, actor, filter.location);
    const alerts = await this.alerts.list({ status: filter.status, locationIds, order: filter.order }, limit, offset);
    return this.views(alerts);
  }

  async get(actor: Actor, id: string): Promise<AlertView> {
    const alert = await this.findInScope(actor, id);
    return (await this.views([alert]))[0];
  }

  /** Resolves an open alert with a note (the note is kept on the alert, never in the audit log). */
  async resolve(actor: Actor, id: string, note: string): Promise<AlertView> {
    const alert = await this.findInScope(actor, id);
    if (alert.status === 'resolved') throw new ConflictException('This alert is already resolved');
    await this.alerts.transaction(async (manager) => {
      if (!(await this.alerts.resolve(id, actor.id, note, new Date(), manager))) {
        throw new ConflictException('This alert is already resolved');
      }
      await this.audit.record(
        actor,
        { action: 'alert.resolve', subjectType: 'alert', subjectId: id, details: { locationId: alert.locationId } },
        manager,
      );
    });
    return this.get(actor, id);
  }

  /** Another dealer's alert gets the same 404 as a missing one. */
  private async findInScope(actor: Actor, id: string): Promise<DetractorAlert> {
    const alert = await this.alerts.findById(id);
    if (alert && actor.locationCodes) {
      const allowed = await scopedLocationIds(this.locations, actor);
      if (!allowed?.includes(alert.locationId)) throw new NotFoundException(`No alert with id ${id}`);
    }
    if (!alert) throw new NotFoundException(`No alert with id ${id}`);
    return alert;
  }

  private async views(alerts: DetractorAlert[]): Promise<AlertView[]> {
    if (alerts.length === 0) return [];
    const directory = await LocationDirectory.load(this.locations);
    const responses = await this.responses.findByIds(alerts.map((a) => a.responseId));
    const customerIds = [...new Set([...responses.values()].map((r) => r.customerId))];
    const customers = await this.consenting(customerIds);
    return alerts.map((alert) => {
      const response = responses.get(alert.responseId)!;
      const { customer, consented = false } = customers.get(response.customerId) ?? {};
      const location = directory.get(alert.locationId);
      return {
        id: alert.id,
        status: alert.status,
        locationCode: location?.code ?? '',
        locationName: location?.name ?? '',
        responseId: response.responseId,
        score: response.score,
        comment: response.comment,
        respondedAt: response.respondedAt,
        customerName: consented ? customer?.name ?? null : null,
        customerEmail: consented ? customer?.email ?? null : null,
        notified: alert.notified,
        createdAt: alert.createdAt,
        resolvedAt: alert.resolvedAt,
        resolvedBy: alert.resolvedBy,
        resolutionNote: alert.resolutionNote,
      };
    });
  }
}

/** `2026-11-20 10:00 UTC`: managers read it in an email, not a parser. */
function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
