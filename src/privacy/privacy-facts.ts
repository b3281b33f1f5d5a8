import { Injectable } from '@nestjs/common';
import { SettingsService } from '../settings/settings.service';

/** What the privacy page states, from the settings in force (so the page and the jobs never disagree). */
export interface PrivacyFacts {
  brandName: string;
  brandPostalAddress: string;
  dataRetentionDays: number;
  dataRetentionMonths: number;
  rawClickRetentionDays: number;
  sentEmailDays: number;
}

/** Outbox rows are deleted a week after their job ended (jobs/outbox-relay.service.ts). */
const SENT_EMAIL_DAYS = 7;

@Injectable()
export class PrivacyFactsService {
  constructor(private readonly settings: SettingsService) {}

  async get(): Promise<PrivacyFacts> {
    const s = await this.settings.get();
    return {
      brandName: s.brandName,
      brandPostalAddress: s.brandPostalAddress,
      dataRetentionDays: s.dataRetentionDays,
      dataRetentionMonths: Math.round(s.dataRetentionDays / 30.44),
      rawClickRetentionDays: s.rawClickRetentionDays,
      sentEmailDays: SENT_EMAIL_DAYS,
    };
  }
}
