import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MarketingMessageKind } from '../invitations/marketing-message.entity';
import { EmailMessage } from '../notifications/email-message';

export interface InvitationEmailInput {
  kind: MarketingMessageKind;
  to: string;
  /** The customer's name as the feedback source gave it; the email greets the first word. */
  name: string | null;
  locationName: string;
  /** Their own words from the feedback; shown escaped, never edited. */
  comment: string | null;
  invitationToken: string;
  preferenceToken: string;
  expiresAt: Date;
  /** A staff test send: marked as such in the subject. */
  test?: boolean;
}

/** The invitation and reminder emails: personal, marketing, with the RFC 8058 one-click link. */
@Injectable()
export class InvitationEmails {
  constructor(private readonly config: AppConfig) {}

  compose(input: InvitationEmailInput): EmailMessage {
    const firstName = firstNameOf(input.name);
    const base = input.kind === 'invitation'
      ? `${firstName ? `${firstName}, would` : 'Would'} you put in a good word for ${input.locationName}?`
      : `A reminder: your good word for ${input.locationName}`;
    const preferencesUrl = `${this.config.publicUrl}/preferences/${input.preferenceToken}`;
    return {
      to: input.to,
      template: input.kind === 'invitation' ? 'invitation' : 'reminder',
      subject: input.test ? `[Test] ${base}` : base,
      context: {
        firstName,
        locationName: input.locationName,
        comment: input.comment?.trim() || null,
        invitationUrl: `${this.config.publicUrl}/i/${input.invitationToken}`,
        preferencesUrl,
        expiresOn: formatDay(input.expiresAt),
      },
      kind: 'marketing',
      unsubscribeUrl: `${preferencesUrl}/unsubscribe`,
    };
  }
}

/** "Ana" from "Ana Silva"; null when there is no usable name. */
export function firstNameOf(name: string | null | undefined): string | null {
  const first = name?.trim().split(/\s+/)[0];
  return first ? first.slice(0, 50) : null;
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "24 December 2026" (UTC): a date everyone reads the same way. */
export function formatDay(date: Date): string {
  return DAY_FORMAT.format(date);
}
