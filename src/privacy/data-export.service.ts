import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { CustomersService } from '../customers/customers.service';
import { OutboxService } from '../jobs/outbox.service';
import { sealEmailSecrets } from '../notifications/email-secrets';
import { SEND_EMAIL_JOB } from '../notifications/send-email.job';
import { hashToken, isTokenShaped, newToken } from '../preferences/tokens';
import { CustomerData, CustomerDataReadModel } from './export.read-model';
import { DataExportToken } from './data-export-token.entity';

export const EXPORT_LINK_TTL_MS = 24 * 3600_000;
export const EXPORT_REQUEST = 'customer.export_request';
export const EXPORT_DONE = 'customer.export';

/**
 * Data export (GDPR Art. 15/20). The customer asks from the preference page: a random token (stored as its
 * SHA-256) is emailed as a link valid 24 hours; its page shows a readable summary, and the JSON download uses
 * it up. Staff export by email address for requests that arrive by letter. Audited with ids only.
 */
@Injectable()
export class DataExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly data: CustomerDataReadModel,
    private readonly customers: CustomersService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async request(customerId: string): Promise<boolean> {
    const [customer] = await this.customers.findByIds([customerId]);
    if (!customer?.email || customer.email.startsWith('erased:')) return false;
    const email = customer.email;
    const token = newToken();
    await this.dataSource.transaction(async (manager) => {
      const row = await manager.save(DataExportToken, {
        customerId,
        tokenHash: hashToken(token),
        expiresAt: new Date(Date.now() + EXPORT_LINK_TTL_MS),
        usedAt: null,
      });
      await this.outbox.add(manager, SEND_EMAIL_JOB, {
        to: email,
        template: 'data-export',
        subject: 'Your data',
        kind: 'transactional',
        context: {},
        sealed: sealEmailSecrets(this.config.encryptionKey, { context: { exportUrl: `${this.config.publicUrl}/export/${token}` } }),
      });
      await this.audit.record(
        { type: 'customer', id: customerId },
        { action: EXPORT_REQUEST, subjectType: 'customer', subjectId: customerId, details: { exportId: row.id } },
        manager,
      );
    });
    this.outbox.kick();
    return true;
  }

  /** The data behind a valid, unused, unexpired link (reading the summary page does not use it up), or null. */
  async preview(token: string): Promise<CustomerData | null> {
    const row = await this.usable(token);
    return row ? this.data.load(row.customerId) : null;
  }

  /** The JSON download: uses the link up (once, even with two concurrent clicks). */
  async download(token: string): Promise<CustomerData | null> {
    const row = await this.usable(token);
    if (!row) return null;
    const now = new Date();
    const claimed = await this.dataSource
      .getRepository(DataExportToken)
      .update({ id: row.id, usedAt: IsNull(), expiresAt: MoreThan(now) }, { usedAt: now });
    if (!claimed.affected) return null;
    await this.audit.record(
      { type: 'customer', id: row.customerId },
      { action: EXPORT_DONE, subjectType: 'customer', subjectId: row.customerId, details: { via: 'link', exportId: row.id } },
    );
    return this.data.load(row.customerId, now);
  }

  /** Staff, by address (a request by letter): 404 when no customer has it. */
  async forStaff(actor: Actor, email: string): Promise<CustomerData> {
    const customer = await this.dataSource.transaction((manager) => this.customers.findForErasure(manager, email));
    const data = customer && (await this.data.load(customer.id));
    if (!customer || !data) throw new NotFoundException('No customer has this email address');
    await this.audit.record(actor, { action: EXPORT_DONE, subjectType: 'customer', subjectId: customer.id, details: { via: 'staff' } });
    return data;
  }

  private async usable(token: string): Promise<DataExportToken | null> {
    if (!isTokenShaped(token)) return null;
    const row = await this.dataSource.getRepository(DataExportToken).findOneBy({ tokenHash: hashToken(token) });
    return row && !row.usedAt && row.expiresAt.getTime() > Date.now() ? row : null;
  }
}
