import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Customer } from './customer.entity';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { CustomersRepository, CustomerState } from './customers.repository';

export type { CustomerState } from './customers.repository';
import { LatestResponse } from './latest-response';

export interface NewCustomer {
  id: string;
  /** Null: a response without an email, a customer of its own. */
  email: string | null;
  latest: LatestResponse;
}

const ERASED_PREFIX = 'erased:';
export const erasedAddress = (id: string) => `${ERASED_PREFIX}${id}`;

export const CONSENT_CHANGE = 'customer.consent_change';

/**
 * Customers, deduplicated by normalised email. Their consent is the answer of their latest response
 * (a response that did not ask counts as no): every change of it, including the first grant, is audited
 * with the customer and response ids only.
 */
@Injectable()
export class CustomersService {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly audit: AuditService,
  ) {}

  /** The customer with this address (normalised), locked for the caller's transaction, or null. */
  async findForErasure(manager: EntityManager, email: string): Promise<Customer | null> {
    const rows = await manager.find(Customer, {
      where: { email: email.trim().toLowerCase() },
      ...(manager.connection.options.type === 'postgres' ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    return rows[0] ?? null;
  }

  /**
   * Removes who the customer is (erasure or retention): the address becomes `erased:<id>` (never an
   * address, so nothing is ever sent to it), name and phone are cleared, consent is withdrawn. The row,
   * its id and latest score stay, so counts, invitations and rollups keep adding up.
   */
  async eraseIdentity(manager: EntityManager, id: string): Promise<void> {
    await manager.update(Customer, { id }, { email: erasedAddress(id), name: null, phone: null, marketingConsent: false, consentUpdatedAt: new Date() });
  }

  /** Customers not heard from since `cutoff` whose identity is still held (retention). */
  idsInactiveSince(cutoff: Date, limit: number): Promise<string[]> {
    return this.customers.idsInactiveSince(cutoff, `${ERASED_PREFIX}%`, limit);
  }

  resolveIds(emails: string[], manager?: EntityManager): Promise<Map<string, string>> {
    return this.customers.findIdsByEmails(emails, manager);
  }

  findByIds(ids: string[], manager?: EntityManager): Promise<CustomerState[]> {
    return this.customers.findByIds(ids, manager);
  }

  /**
   * Inserts customers first seen in this batch, already pointing at their latest response. Returns the
   * ids inserted: one whose email another transaction inserted meanwhile is left out, and the caller
   * treats it as an existing customer.
   */
  async createMany(actor: Actor, items: NewCustomer[], now: Date, manager: EntityManager): Promise<Set<string>> {
    const states = items.map((item) => derive(blank(item.id, item.email), item.latest, now));
    const inserted = await this.customers.insertMany(states, now, manager);
    const audits = states.filter((s) => s.marketingConsent && inserted.has(s.id)).map((s) => consentEntry(s));
    await this.audit.recordMany(actor, audits, manager, now);
    return inserted;
  }

  /**
   * Brings existing customers in line with their latest response, recomputed: locks the rows first, then asks
   * `readLatest` (null or absent: they have none left, e.g. a response moved to another email). Reading after the
   * lock is what lets batches that share customers run at once: any other batch that wrote a response for one of
   * them locks the row too before it commits, so what is read here is either committed already or will be offered
   * after this commits. Unchanged rows are not written. Returns the number of consent changes.
   */
  async applyLatest(
    actor: Actor,
    ids: string[],
    readLatest: (ids: string[]) => Promise<Map<string, LatestResponse>>,
    now: Date,
    manager: EntityManager,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const states = await this.customers.lockStates(ids, manager);
    const latest = await readLatest(ids);
    const changed: CustomerState[] = [];
    const audits: AuditEntry[] = [];
    for (const state of states) {
      const next = derive(state, latest.get(state.id) ?? null, now);
      if (!sameState(state, next)) changed.push(next);
      if (next.marketingConsent !== state.marketingConsent) audits.push(consentEntry(next));
    }
    await this.customers.updateMany(changed, now, manager);
    await this.audit.recordMany(actor, audits, manager, now);
    return audits.length;
  }

  /**
   * Offers customers a response that is new to them: it becomes their latest unless they have a later
   * one (it was written after everything stored, so it wins a tie). Cheaper than recomputing: one
   * conditional update. Returns the number of consent changes (audited).
   */
  async offerLatest(actor: Actor, offers: Map<string, LatestResponse>, now: Date, manager: EntityManager): Promise<number> {
    const changed = await this.customers.offerLatest(
      [...offers].map(([customerId, latest]) => ({ customerId, latest })),
      now,
      manager,
    );
    await this.audit.recordMany(
      actor,
      changed.map((c) => ({
        action: CONSENT_CHANGE,
        subjectType: 'customer',
        subjectId: c.id,
        details: { marketingConsent: c.marketingConsent, responseId: c.consentResponseId },
      })),
      manager,
      now,
    );
    return changed.length;
  }
}

function blank(id: string, email: string | null): CustomerState {
  return {
    id,
    email,
    name: null,
    phone: null,
    marketingConsent: false,
    consentUpdatedAt: null,
    consentResponseId: null,
    latestResponseId: null,
    latestScore: null,
    latestSegment: null,
    latestLocationId: null,
    latestRespondedAt: null,
    latestImportSeq: null,
  };
}

/** The state a customer should have given their latest response. */
function derive(state: CustomerState, latest: LatestResponse | null, now: Date): CustomerState {
  const consent = latest?.marketingConsent === true;
  const consentChanged = consent !== state.marketingConsent;
  return {
    ...state,
    name: latest?.name ?? state.name,
    phone: latest?.phone ?? state.phone,
    marketingConsent: consent,
    consentUpdatedAt: consentChanged ? now : state.consentUpdatedAt,
    consentResponseId: consentChanged ? latest?.id ?? null : state.consentResponseId,
    latestResponseId: latest?.id ?? null,
    latestScore: latest?.score ?? null,
    latestSegment: latest?.segment ?? null,
    latestLocationId: latest?.locationId ?? null,
    latestRespondedAt: latest?.respondedAt ?? null,
    latestImportSeq: latest?.importSeq ?? null,
  };
}

function sameState(a: CustomerState, b: CustomerState): boolean {
  return (
    a.name === b.name &&
    a.phone === b.phone &&
    a.marketingConsent === b.marketingConsent &&
    a.latestResponseId === b.latestResponseId &&
    a.latestScore === b.latestScore &&
    a.latestSegment === b.latestSegment &&
    a.latestLocationId === b.latestLocationId &&
    a.latestRespondedAt?.getTime() === b.latestRespondedAt?.getTime() &&
    a.latestImportSeq === b.latestImportSeq
  );
}

function consentEntry(state: CustomerState): AuditEntry {
  return {
    action: CONSENT_CHANGE,
    subjectType: 'customer',
    subjectId: state.id,
    details: { marketingConsent: state.marketingConsent, responseId: state.consentResponseId },
  };
}

export type { LatestResponse };
