import { createPrivateKey } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport, DKIMOptions, SendMailOptions, Transporter } from 'nodemailer';
import { AppConfig, DkimConfig } from '../config/app-config';

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

export interface Delivery {
  messageId: string;
  /** For the log line: where the message went (`smtp` or `outbox/<file>.eml`); never an address. */
  destination: string;
}

/** Where composed messages go: an SMTP server, or `.eml` files when none is configured. */
export interface MailTransport {
  deliver(mail: SendMailOptions): Promise<Delivery>;
  close(): void;
}

/** SMTP when SMTP_URL is set, else the outbox folder; both DKIM-sign when a key is configured. */
export function createMailTransport(config: AppConfig): MailTransport {
  const dkim = config.dkim && dkimOptions(config.dkim);
  return config.smtpUrl
    ? new SmtpMailTransport(config.smtpUrl, dkim)
    : new OutboxMailTransport(join(config.dataDir, 'outbox'), dkim);
}

/** A key that can't sign would fail every send much later, so it stops the boot instead. */
function dkimOptions(dkim: DkimConfig): DKIMOptions {
  try {
    createPrivateKey(dkim.privateKey);
  } catch {
    throw new Error('DKIM_PRIVATE_KEY is not a readable PEM private key (PKCS#8 or PKCS#1 RSA)');
  }
  return { ...dkim };
}

class SmtpMailTransport implements MailTransport {
  private readonly mailer: Transporter;

  constructor(url: string, dkim: DKIMOptions | undefined) {
    // Pooled: campaign fan-out sends thousands of messages, one TLS handshake per message would dominate.
    // Query parameters in SMTP_URL (e.g. ?pool=false&maxConnections=2) override these.
    this.mailer = createTransport({ url, pool: true, maxConnections: 5, dkim });
  }

  async deliver(mail: SendMailOptions): Promise<Delivery> {
    const info = await this.mailer.sendMail(mail);
    return { messageId: info.messageId, destination: 'smtp' };
  }

  close(): void {
    this.mailer.close();
  }
}

/** Development default (DESIGN "Runtime parts"): every message becomes an RFC 822 file a mail client can open. */
class OutboxMailTransport implements MailTransport {
  private readonly mailer: Transporter;
  private lastMs = 0;

  constructor(
    private readonly dir: string,
    dkim: DKIMOptions | undefined,
  ) {
    this.mailer = createTransport({ streamTransport: true, buffer: true, newline: 'windows', dkim });
  }

  async deliver(mail: SendMailOptions): Promise<Delivery> {
    const info = await this.mailer.sendMail(mail);
    // Strictly increasing times keep the files of one process in sending order, even within a millisecond.
    this.lastMs = Math.max(Date.now(), this.lastMs + 1);
    const name = outboxFileName(new Date(this.lastMs), info.messageId);
    await mkdir(this.dir, { recursive: true });
    // Write then rename, so anything watching the folder never reads a half-written file.
    // Owner-only, like secrets.json: the files hold customers' addresses.
    const temporary = join(this.dir, `.${name}.tmp`);
    await writeFile(temporary, info.message as Buffer, { mode: 0o600 });
    await rename(temporary, join(this.dir, name));
    return { messageId: info.messageId, destination: `outbox/${name}` };
  }

  close(): void {
    this.mailer.close();
  }
}

/** `20261124T205500123Z-<message id>.eml`: sorts by time, unique by message id, safe on any file system. */
export function outboxFileName(at: Date, messageId: string): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  const id = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 120);
  return `${stamp}-${id}.eml`;
}
