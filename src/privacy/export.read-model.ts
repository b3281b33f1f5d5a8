import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { readTime } from '../database/sql';

type Row = Record<string, unknown>;

/** Everything held about one customer (GDPR Art. 15/20), as plain JSON: the export's content. */
export interface CustomerData {
  exportedAt: string;
  customer: Row;
  responses: Row[];
  consentHistory: Row[];
  preferenceChanges: Row[];
  preferences: Row | null;
  optOut: Row | null;
  /** Detractor alerts on their responses, with staff's follow-up notes. */
  alerts: Row[];
  invitations: Row[];
  recommendations: Row[];
  shares: Row[];
  rewards: Row[];
}

const CONSENT_ACTIONS = ['customer.consent_change'];

/** Reads the customer's rows from every module's tables (a read model: it never writes). */
@Injectable()
export class CustomerDataReadModel {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async load(customerId: string, now = new Date()): Promise<CustomerData | null> {
    const postgres = this.dataSource.options.type === 'postgres';
    const q = async (sql: string): Promise<Row[]> => (await this.dataSource.query(postgres ? sql : sql.replace(/\$1/g, '?'), postgres ? [customerId] : countParams(sql, customerId))).map(clean);
    const [customer] = await q(
      `SELECT id, email, name, phone, marketing_consent, consent_updated_at, latest_score, latest_segment, latest_responded_at, created_at FROM customer WHERE id = $1`,
    );
    if (!customer) return null;
    const audit = await q(`SELECT created_at, action, actor_type, details FROM audit_event WHERE subject_id = $1 ORDER BY created_at`);
    const recommendations = await q(
      `SELECT r.id, r.author_name, r.text, r.text_hash, r.channels, r.reward_accepted, r.approved_at, r.withdrawn_at, r.hidden_at, r.hidden_reason, r.erased_at,
              l.name AS location, a.ip AS approval_ip, a.user_agent AS approval_browser, a.created_at AS approval_recorded_at
       FROM recommendation r JOIN location l ON l.id = r.location_id LEFT JOIN recommendation_approval_request a ON a.recommendation_id = r.id
       WHERE r.customer_id = $1 ORDER BY r.approved_at`,
    );
    return {
      exportedAt: now.toISOString(),
      customer,
      responses: await q(
        `SELECT f.response_id, l.name AS location, f.score, f.segment, f.comment, f.name, f.phone, f.responded_at, f.visited_at, f.marketing_consent
         FROM feedback_response f JOIN location l ON l.id = f.location_id WHERE f.customer_id = $1 ORDER BY f.responded_at`,
      ),
      consentHistory: audit.filter((a) => CONSENT_ACTIONS.includes(String(a.action))),
      preferenceChanges: audit.filter((a) => !CONSENT_ACTIONS.includes(String(a.action))),
      preferences: (await q(`SELECT rewards_opt_in, updated_at FROM customer_preference WHERE customer_id = $1`))[0] ?? null,
      optOut: (await q(`SELECT source, created_at FROM suppression WHERE customer_id = $1`))[0] ?? null,
      // Staff's follow-up of her low scores, notes included: they are about her.
      alerts: await q(
        `SELECT l.name AS location, f.response_id, a.status, a.created_at, a.resolved_at, a.resolution_note
         FROM detractor_alert a JOIN feedback_response f ON f.id = a.response_id JOIN location l ON l.id = a.location_id
         WHERE f.customer_id = $1 ORDER BY a.created_at`,
      ),
      invitations: await q(
        `SELECT i.id, c.name AS campaign, l.name AS location, i.status, i.created_at, i.sent_at, i.opened_at, i.reminder_status, i.reminded_at
         FROM invitation i JOIN campaign c ON c.id = i.campaign_id JOIN location l ON l.id = i.location_id WHERE i.customer_id = $1 ORDER BY i.created_at`,
      ),
      recommendations,
      shares: await q(
        `SELECT s.recommendation_id, s.channel, s.created_at, x.status AS x_status, x.x_post_id, x.posted_at AS x_posted_at, x.deleted_at AS x_deleted_at
         FROM share s JOIN recommendation r ON r.id = s.recommendation_id LEFT JOIN x_post x ON x.share_id = s.id
         WHERE r.customer_id = $1 ORDER BY s.created_at`,
      ),
      rewards: await q(
        `SELECT o.description AS reward, o.terms, rc.code, rc.status, rc.issued_at, rc.emailed_at, rc.redeemed_at, rc.voided_at, rc.void_reason
         FROM reward_code rc JOIN reward_offer o ON o.id = rc.offer_id WHERE rc.customer_id = $1 ORDER BY rc.issued_at`,
      ),
    };
  }
}

function countParams(sql: string, value: string): string[] {
  return Array.from(sql.matchAll(/\$1/g), () => value);
}

/** Times as ISO strings, booleans as booleans, JSON as objects, whichever dialect read them. */
function clean(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (/_at$/.test(key)) out[key] = value === null || value === undefined ? null : readTime(value)?.toISOString() ?? null;
    else if (/consent$|opt_in$|accepted$/.test(key) && (value === 0 || value === 1)) out[key] = value === 1;
    else if ((key === 'details' || key === 'channels') && typeof value === 'string') out[key] = safeJson(value);
    else out[key] = value;
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
