import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SendMailOptions } from 'nodemailer';
import { AppConfig } from '../config/app-config';
import { SettingsService } from '../settings/settings.service';
import { EmailMessage } from './email-message';
import { EmailRenderer } from './email-renderer';
import { EmailSecrets, openEmailSecrets } from './email-secrets';
import { InvalidEmailError, MailDeliveryError } from './mail.errors';
import { MAIL_TRANSPORT, MailTransport } from './mail-transport.factory';

/** A bare addr-spec: no display name, no list, no whitespace (customer addresses come from imports). */
const SINGLE_ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
/** An address this service sends to: one plain address (valid but quoted or bracketed forms are refused). */
export const isSendableAddress = (to: string): boolean => to.length <= 254 && SINGLE_ADDRESS.test(to);
const TEMPLATE_NAME = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;
const HEADER_NAME = /^[A-Za-z0-9-]+$/;
/** The sender address when MAIL_FROM is unset; the display name is the brand of the moment. */
export const DEFAULT_SENDER_ADDRESS = 'no-reply@localhost';
/** Headers the service or nodemailer sets; a caller overriding them could forge or break the message. */
const RESERVED_HEADERS = new Set([
  'from', 'to', 'cc', 'bcc', 'reply-to', 'sender', 'subject', 'date', 'message-id', 'mime-version',
  'content-type', 'content-transfer-encoding', 'dkim-signature', 'list-unsubscribe', 'list-unsubscribe-post',
]);

/** The sender's name and postal address (CAN-SPAM footer) that every email carries. */
export interface EmailBrand {
  brandName: string;
  brandPostalAddress: string;
}

/** Renders and sends one email; `send` is what the send-email job runs. */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly logger = new Logger(MailService.name);
  private settings?: SettingsService | null;

  constructor(
    private readonly config: AppConfig,
    private readonly renderer: EmailRenderer,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @Optional() private readonly moduleRef?: ModuleRef,
  ) {}

  /**
   * Sends `message` and returns its Message-ID. Throws InvalidEmailError for a message that can
   * never be sent, MailDeliveryError when the transport fails (`permanent` tells a 5xx rejection).
   */
  async send(message: EmailMessage): Promise<string> {
    const mail = this.compose(message, await this.brand());
    const { messageId, destination } = await this.transport.deliver(mail).catch((error: unknown) => {
      throw new MailDeliveryError(error);
    });
    // Ids only: the address stays out of the logs (DESIGN principle 6). A file in the outbox (development)
    // is its own record: logged at debug, so the demo's first emails don't bury the start-up block.
    const line = `Email ${messageId} (${message.kind}, template ${message.template}) sent to ${destination}`;
    if (destination === 'smtp') this.logger.log(line);
    else this.logger.debug(line);
    return messageId;
  }

  /**
   * The brand as admins set it in the settings (what pages show too), or from the environment where the
   * settings aren't part of the application (a context without the database).
   */
  async brand(): Promise<EmailBrand> {
    if (this.settings === undefined) {
      try {
        this.settings = this.moduleRef?.get(SettingsService, { strict: false }) ?? null;
      } catch {
        this.settings = null;
      }
    }
    const source = this.settings ? await this.settings.get() : this.config;
    return { brandName: source.brandName, brandPostalAddress: source.brandPostalAddress };
  }

  /** Validates and renders without sending (tests, previews). */
  compose(message: EmailMessage, brandOf: EmailBrand = this.config): SendMailOptions {
    const { to, template, kind } = message;
    const secrets: EmailSecrets = message.sealed === undefined ? {} : openEmailSecrets(this.config.encryptionKey, message.sealed);
    const unsubscribeUrl = secrets.unsubscribeUrl ?? message.unsubscribeUrl;
    if (typeof to !== 'string' || !isSendableAddress(to)) {
      throw new InvalidEmailError('Email "to" must be one plain address such as ana@example.com');
    }
    if (kind !== 'transactional' && kind !== 'marketing') {
      throw new InvalidEmailError(`Email kind must be "transactional" or "marketing", not "${String(kind)}"`);
    }
    if (kind === 'marketing' && !unsubscribeUrl) {
      throw new InvalidEmailError(
        `Marketing email "${template}" needs an unsubscribeUrl (CAN-SPAM footer and RFC 8058 List-Unsubscribe)`,
      );
    }
    const unsubscribe = unsubscribeUrl === undefined ? undefined : httpUrl(unsubscribeUrl);
    if (unsubscribe === null) throw new InvalidEmailError('Email unsubscribeUrl must be an absolute http(s) URL');
    if (typeof template !== 'string' || !TEMPLATE_NAME.test(template)) {
      throw new InvalidEmailError(`Email template name "${String(template)}" is not a kebab-case name`);
    }
    const missing = this.renderer.missingFiles(template);
    if (missing.length > 0) {
      throw new InvalidEmailError(`Email template "${template}" needs templates/${missing.join(' and templates/')}`);
    }
    const subject = oneLine(String(message.subject ?? ''));
    if (!subject) throw new InvalidEmailError(`Email "${template}" needs a subject`);

    // Set last so a template context can't pose as the brand.
    const brand = {
      brandName: brandOf.brandName,
      brandPostalAddress: brandOf.brandPostalAddress,
      publicUrl: this.config.publicUrl,
    };
    const { html, text } = this.renderer.render(
      template,
      { ...message.context, ...secrets.context, ...brand },
      { ...brand, subject, marketing: kind === 'marketing', unsubscribeUrl: unsubscribe },
    );

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
        throw new InvalidEmailError(`Email header "${name}" can't be set by the caller`);
      }
      headers[name] = oneLine(String(value));
    }
    if (unsubscribe) {
      // RFC 8058 one-click: mail providers POST "List-Unsubscribe=One-Click" to the URL. Both headers
      // must be DKIM-signed; nodemailer >= 10.6.1 includes them in its default signed header list.
      headers['List-Unsubscribe'] = `<${unsubscribe}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }

    // An explicit MAIL_FROM wins; otherwise the brand as admins set it now (nodemailer quotes the name).
    const from = this.config.mailFrom ?? { name: brandOf.brandName, address: DEFAULT_SENDER_ADDRESS };
    return { from, to, subject, html, text, headers };
  }

  /**
   * Not onModuleDestroy: JobsModule is global, so its destroy hook (which waits for running jobs, sends
   * among them) runs after every other module's. The pool closes once they are done.
   */
  onApplicationShutdown(): void {
    this.transport.close();
  }
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

/** The normalized URL (percent-encoded, so it can't end the `<...>` of List-Unsubscribe), or null. */
function httpUrl(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
