import { uuid7 } from '../database/uuid7';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { DAY_MS } from '../common/time/days';
import { AudienceChanges } from '../customers/audience-changes';
import { CustomersService, LatestResponse, NewCustomer } from '../customers/customers.service';
import { dialectOf } from '../database/sql';
import { OutboxService } from '../jobs/outbox.service';
import { ErasureList } from '../preferences/erasure-list.service';
import { SuppressionList } from '../preferences/suppression-list.service';
import { AlertCandidate, AlertsService } from './alerts.service';
import { FeedbackInput, segmentOf } from './feedback-fields';
import { FeedbackRepository, ResponseRecord, StoredResponse } from './feedback.repository';
import { LocationDirectory } from './location-directory';

/** One validated response with where it came from (a file line, or a position in a webhook batch). */
export interface IngestItem {
  ref: number;
  input: FeedbackInput;
}

export interface IngestRejection {
  ref: number;
  responseId: string | null;
  reason: string;
}

export interface IngestContext {
  actor: Actor;
  locations: LocationDirectory;
  /** Detractor responses older than this many days raise no alert (history imports don't flood managers). */
  alertWindowDays: number;
  /**
   * PostgreSQL: commit batches without waiting for the WAL flush (synchronous_commit off). For file
   * imports, whose final status update is a normal commit that flushes every batch before it: a crash
   * before that loses at most the last batches of an import that never reported done (and a re-import
   * is idempotent). The webhook answers per call, so its writes are always durable.
   */
  deferFlush?: boolean;
}

export interface IngestOutcome {
  created: number;
  updated: number;
  unchanged: number;
  alerts: number;
  /** New responses the source gave no response time: dated at the time of import. */
  undated: number;
  /** Items refused here (unknown location code); format problems are refused by the caller. */
  rejected: IngestRejection[];
}

export const ERASED_ON_REQUEST = 'erased on request';

/** Rows per batch ticket: positions inside a batch must stay below this. */
export const SEQ_PER_TICKET = 1_000_000;
const RETRYABLE = new Set(['40P01', '40001']); // deadlock, serialization failure
const MAX_TRIES = 3;

/**
 * Writes one batch of responses — the heart of every door (file import, upload, CLI, webhook).
 *
 * In one transaction per batch: reads the stored responses and customers the batch touches, decides
 * in memory what each item does (created / updated / unchanged, applied in order, so a response id
 * repeated in a batch behaves as if imported twice), then writes only what changed with a few
 * multi-row statements: new customers, responses (upsert on the source id), customers whose latest
 * response changed (consent included, audited), detractor alerts with their emails (outbox).
 * An identical re-import writes nothing at all.
 */
@Injectable()
export class FeedbackIngestService {
  private readonly logger = new Logger(FeedbackIngestService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly responses: FeedbackRepository,
    private readonly customers: CustomersService,
    private readonly alerts: AlertsService,
    private readonly outbox: OutboxService,
    private readonly audience: AudienceChanges,
    private readonly suppression: SuppressionList,
    private readonly erasures: ErasureList,
    private readonly audit: AuditService,
  ) {}

  /**
   * `alsoInTransaction` runs inside the batch's transaction after the writes (the import records its
   * counts and rejected rows there, so progress never runs ahead of the data).
   */
  async ingest(
    items: IngestItem[],
    context: IngestContext,
    alsoInTransaction?: (manager: EntityManager, outcome: IngestOutcome) => Promise<void>,
  ): Promise<IngestOutcome> {
    if (items.length >= SEQ_PER_TICKET) throw new Error(`a batch holds at most ${SEQ_PER_TICKET - 1} items`);
    const rejected: IngestRejection[] = [];
    const located: { item: IngestItem; locationId: string }[] = [];
    // Taken first, before anything else is awaited: batches started in file order get their import order in file order.
    const ticket = items.length > 0 ? await this.responses.nextTicket() : 0;
    // Addresses erased on request (by HMAC): their rows are never stored again.
    const erased = await this.erasures.erasedAmong(items.flatMap((item) => item.input.email ?? []));
    for (const item of items) {
      if (item.input.email !== null && erased.has(item.input.email)) {
        rejected.push({ ref: item.ref, responseId: item.input.responseId, reason: ERASED_ON_REQUEST });
        continue;
      }
      const code = item.input.locationCode;
      const location = context.locations.getByCode(code) ?? (await context.locations.byCodeOrRefresh(code));
      if (location) located.push({ item, locationId: location.id });
      else rejected.push({ ref: item.ref, responseId: item.input.responseId, reason: `unknown location code ${item.input.locationCode}` });
    }

    for (let attempt = 1; ; attempt++) {
      try {
        // The batch's audit rows (consent changes, alerts) are written sealed as its last statement.
        const outcome = await this.dataSource.manager.transaction((manager) =>
          this.audit.sealedAtEnd(manager, async () => {
            if (context.deferFlush && dialectOf(manager) === 'postgres') await manager.query('SET LOCAL synchronous_commit = off');
            const outcome = located.length
              ? await this.write(manager, located, ticket, context)
              : { created: 0, updated: 0, unchanged: 0, alerts: 0, undated: 0, rejected: [] };
            outcome.rejected = rejected;
            await alsoInTransaction?.(manager, outcome);
            return outcome;
          }),
        );
        if (outcome.alerts > 0) this.outbox.kick();
        // Committed: campaign audience counts cached in this process are out of date, and running
        // campaigns look for new promoters now (CampaignScheduler listens).
        if (outcome.created + outcome.updated > 0) this.audience.changed();
        return outcome;
      } catch (error) {
        const code = error instanceof QueryFailedError ? (error.driverError as { code?: string })?.code : undefined;
        if (!code || !RETRYABLE.has(code) || attempt >= MAX_TRIES) throw error;
        this.logger.warn({ msg: 'feedback batch hit a deadlock, retrying', attempt, code });
      }
    }
  }

  private async write(
    manager: EntityManager,
    located: { item: IngestItem; locationId: string }[],
    ticket: number,
    context: IngestContext,
  ): Promise<IngestOutcome> {
    const now = new Date();
    const outcome: IngestOutcome = { created: 0, updated: 0, unchanged: 0, alerts: 0, undated: 0, rejected: [] };
    const stored = await this.responses.findByResponseIds([...new Set(located.map((l) => l.item.input.responseId))], manager);
    const known = await this.customers.resolveIds([...new Set(located.flatMap((l) => l.item.input.email ?? []))], manager);
    const provisional = new Map<string, string>(); // email → id of a customer this batch creates
    const provisionalEmail = new Map<string, string | null>(); // the reverse (null: a customer without an address)
    const customerIdFor = (email: string | null, previous: StoredResponse | undefined) => {
      // No address: the response keeps the customer it has, or becomes a customer of its own (never merged,
      // never invited), so importing the same file again changes nothing.
      if (email === null) {
        if (previous) return previous.customerId;
        const id = uuid7();
        provisionalEmail.set(id, null);
        return id;
      }
      let id = known.get(email) ?? provisional.get(email);
      if (!id) {
        id = uuid7();
        provisional.set(email, id);
        provisionalEmail.set(id, email);
      }
      return id;
    };

    // Decide, in file order, what each item does.
    const current = new Map<string, StoredResponse>(stored);
    const changed = new Map<string, ResponseRecord>();
    located.forEach(({ item: { input }, locationId }, position) => {
      const previous = current.get(input.responseId);
      const next: ResponseRecord = {
        id: previous?.id ?? uuid7(),
        responseId: input.responseId,
        customerId: customerIdFor(input.email, previous),
        locationId,
        score: input.score,
        segment: segmentOf(input.score),
        comment: input.comment,
        name: input.name,
        phone: input.phone,
        // A source that gives no date keeps the known one; a new response without one is dated now.
        respondedAt: input.respondedAt ?? previous?.respondedAt ?? now,
        visitedAt: input.visitedAt,
        marketingConsent: input.marketingConsent,
        touchpoint: input.touchpoint,
        importSeq: ticket * SEQ_PER_TICKET + position,
      };
      if (!previous) {
        outcome.created++;
        if (!input.respondedAt) outcome.undated++;
      } else if (sameResponse(previous, next)) {
        outcome.unchanged++;
        return;
      } else outcome.updated++;
      current.set(input.responseId, next);
      changed.set(input.responseId, next);
    });
    // Changed and changed back within the batch: nothing to write.
    for (const [responseId, record] of changed) {
      const before = stored.get(responseId);
      if (before && sameResponse(before, record)) changed.delete(responseId);
    }
    if (changed.size === 0) return outcome;
    const records = [...changed.values()];

    // Existing customers to bring up to date afterwards. Those that only gained new responses are
    // offered the newest of them; those that lost a response or had one changed are recomputed.
    const recompute = new Set<string>();
    const offers = new Map<string, ResponseRecord>();
    const offer = (record: ResponseRecord) => {
      const best = offers.get(record.customerId);
      if (!best || isLater(record, best.respondedAt, best.importSeq)) offers.set(record.customerId, record);
    };
    const fresh = new Map<string, { customer: NewCustomer; seq: number }>(); // by customer id
    for (const record of records) {
      const before = stored.get(record.responseId);
      if (before && before.customerId !== record.customerId) recompute.add(before.customerId);
      if (!provisionalEmail.has(record.customerId)) {
        if (before) recompute.add(record.customerId);
        else offer(record);
        continue;
      }
      // New customers are inserted already pointing at their latest response of this batch.
      const entry = fresh.get(record.customerId);
      if (!entry || isLater(record, entry.customer.latest.respondedAt, entry.seq)) {
        const email = provisionalEmail.get(record.customerId)!;
        fresh.set(record.customerId, { customer: { id: record.customerId, email, latest: latestOf(record) }, seq: record.importSeq });
      }
    }
    if (fresh.size > 0) {
      const inserted = await this.customers.createMany(context.actor, [...fresh.values()].map((f) => f.customer), now, manager);
      // An address that opted out before its customer was erased comes back opted out: link its entry now,
      // so every view and filter of consent sees it (checked by HMAC only while unlinked entries exist).
      if (inserted.size > 0 && (await this.suppression.hasUnlinked(manager))) {
        const created = [...fresh.values()].filter((f) => inserted.has(f.customer.id)).map((f) => f.customer);
        await this.suppression.suppressedAmong(created, manager);
      }
      const lost = [...fresh.values()].flatMap((f) => (inserted.has(f.customer.id) || f.customer.email === null ? [] : [f.customer.email]));
      if (lost.length > 0) {
        // Another transaction created these customers meanwhile: use theirs and bring it up to date.
        const ids = await this.customers.resolveIds(lost, manager);
        for (const record of records) {
          const email = provisionalEmail.get(record.customerId);
          const id = email && ids.get(email);
          if (id) {
            record.customerId = id;
            recompute.add(id);
          }
        }
      }
    }

    const written = await this.responses.upsertMany(records, now, manager);
    for (const record of records) {
      const id = written.get(record.responseId);
      if (id && id !== record.id) {
        record.id = id; // inserted by another transaction meanwhile: ours replaced it
        recompute.add(record.customerId);
      }
    }

    // Customer rows are locked once, in id order (no deadlock between batches sharing customers): by the offer's
    // UPDATE, or, when some need recomputing, all of them together by the recompute (rare: a changed response or a
    // customer another batch created meanwhile), which reads their latest responses only once the rows are locked.
    if (recompute.size > 0) {
      for (const customerId of offers.keys()) recompute.add(customerId);
      await this.customers.applyLatest(context.actor, [...recompute], (ids) => this.responses.latestFor(ids, manager), now, manager);
    } else {
      const offered = new Map<string, LatestResponse>();
      for (const [customerId, record] of offers) offered.set(customerId, latestOf(record));
      await this.customers.offerLatest(context.actor, offered, now, manager);
    }

    // A response that is a detractor now and was not before (new, or changed into one), within the window.
    const cutoff = now.getTime() - context.alertWindowDays * DAY_MS;
    const candidates: AlertCandidate[] = records
      .filter((r) => r.segment === 'detractor' && stored.get(r.responseId)?.segment !== 'detractor' && r.respondedAt.getTime() >= cutoff)
      .map((r) => ({
        responseId: r.id,
        customerId: r.customerId,
        locationId: r.locationId,
        score: r.score,
        comment: r.comment,
        respondedAt: r.respondedAt,
      }));
    outcome.alerts = await this.alerts.raise(context.actor, candidates, context.locations, now, manager);
    return outcome;
  }
}

function sameResponse(a: StoredResponse, b: StoredResponse): boolean {
  return (
    a.customerId === b.customerId &&
    a.locationId === b.locationId &&
    a.score === b.score &&
    a.comment === b.comment &&
    a.name === b.name &&
    a.phone === b.phone &&
    a.marketingConsent === b.marketingConsent &&
    a.touchpoint === b.touchpoint &&
    a.respondedAt.getTime() === b.respondedAt.getTime() &&
    (a.visitedAt?.getTime() ?? null) === (b.visitedAt?.getTime() ?? null)
  );
}

function latestOf(record: ResponseRecord): LatestResponse {
  return {
    id: record.id,
    score: record.score,
    segment: record.segment,
    locationId: record.locationId,
    respondedAt: record.respondedAt,
    marketingConsent: record.marketingConsent,
    name: record.name,
    phone: record.phone,
    importSeq: record.importSeq,
  };
}

/** Later by `responded_at`, then import order. */
function isLater(record: ResponseRecord, respondedAt: Date, importSeq: number): boolean {
  const a = record.respondedAt.getTime();
  const b = respondedAt.getTime();
  return a > b || (a === b && record.importSeq > importSeq);
}
