import { LoggerService } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { simpleParser } from 'mailparser';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { loadConfig } from '../src/config/load-config';
import { EmailMessage } from '../src/notifications/email-message';
import { sealEmailSecrets } from '../src/notifications/email-secrets';
import { InvalidEmailError, MailDeliveryError } from '../src/notifications/mail.errors';
import { MailService } from '../src/notifications/mail.service';
import { NotificationsModule } from '../src/notifications/notifications.module';
import { SendEmailProcessor } from '../src/notifications/send-email.processor';
import { tempDataDir } from './support/database';
import { ReceivedEmail, TestSmtpServer } from './support/smtp-server';

const BRAND = {
  BRAND_NAME: 'Acme Motors',
  BRAND_POSTAL_ADDRESS: '12 Main Street, Springfield, IL 62701',
  MAIL_FROM: 'Acme Motors <hello@acme.test>',
  PUBLIC_URL: 'https://advocates.acme.test',
};
const UNSUBSCRIBE_URL = 'https://advocates.acme.test/preferences/tok_123?action=unsubscribe';
const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];

/** Keeps log lines so tests can check what is (and is not) logged. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  /** Debug lines apart: what a normal (info) log would not show. */
  readonly debugLines: string[] = [];
  log(message: unknown) { this.lines.push(String(message)); }
  error(message: unknown) { this.lines.push(String(message)); }
  warn(message: unknown) { this.lines.push(String(message)); }
  debug(message: unknown) { this.debugLines.push(String(message)); }
  verbose() {}
}

function testEmail(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    to: 'ana@example.com',
    template: 'test',
    subject: 'Test email from Acme Motors',
    context: {},
    kind: 'transactional',
    ...overrides,
  };
}

async function boot(env: Record<string, string>, logger = new CapturingLogger()): Promise<TestingModule> {
  const config = loadConfig({ NODE_ENV: 'test', ...BRAND, ...env });
  return Test.createTestingModule({ imports: [ConfigModule.forRoot(config), NotificationsModule] })
    .setLogger(logger)
    .compile();
}

/** An RSA key and the DNS TXT answer that publishes it, for mailauth's resolver. */
function dkimKey(domain: string, selector: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  });
  const record = `${selector}._domainkey.${domain}`;
  const resolver = async (name: string, type: string) => {
    if (type === 'TXT' && name === record) return [[`v=DKIM1; k=rsa; p=${publicKey.toString('base64')}`]];
    throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
  };
  return { env: { DKIM_DOMAIN: domain, DKIM_SELECTOR: selector, DKIM_PRIVATE_KEY: privateKey }, resolver };
}

/** The raw value of header `name` (first occurrence), unfolded. */
function rawHeader(raw: Buffer, name: string): string | undefined {
  const head = raw.toString('utf8').split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const prefix = `${name.toLowerCase()}:`;
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(prefix));
  return line?.slice(prefix.length).trim();
}

/** Lower-cased names from the h= tag of the message's DKIM-Signature. */
function signedHeaderNames(raw: Buffer): string[] {
  const h = rawHeader(raw, 'DKIM-Signature')?.match(/(?:^|[;\s])h=([^;]+)/)?.[1] ?? '';
  return h.split(':').map((name) => name.trim().toLowerCase());
}

describe('notifications: email', () => {
  const dirs: string[] = [];
  let smtp: TestSmtpServer;

  function dataDir(): string {
    const dir = tempDataDir('goodword-mail-');
    dirs.push(dir);
    return dir;
  }

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
  });

  afterAll(async () => {
    await smtp.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  describe('over SMTP', () => {
    let moduleRef: TestingModule;
    let mail: MailService;
    let logger: CapturingLogger;

    beforeAll(async () => {
      logger = new CapturingLogger();
      moduleRef = await boot({ DATA_DIR: dataDir(), SMTP_URL: smtp.url }, logger);
      mail = moduleRef.get(MailService);
    });

    afterAll(async () => {
      await moduleRef.close();
    });

    beforeEach(() => smtp.clear());

    it('delivers a transactional email with HTML and plain text, subject, to and from', async () => {
      const messageId = await mail.send(testEmail());
      const [received] = await smtp.waitFor(1);
      const { parsed } = received;

      expect(received.envelope).toEqual({ from: 'hello@acme.test', to: ['ana@example.com'] });
      expect(parsed.messageId).toBe(messageId);
      expect(parsed.subject).toBe('Test email from Acme Motors');
      expect(parsed.from?.value).toEqual([{ address: 'hello@acme.test', name: 'Acme Motors' }]);
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0].address : undefined).toBe('ana@example.com');
      expect(parsed.html).toContain('This is a test email from Acme Motors.');
      expect(parsed.html).toContain('<meta name="viewport"');
      expect(parsed.text).toContain('This is a test email from Acme Motors.');
      // The plain-text part is not HTML-escaped, and every email names the brand.
      expect(parsed.text).toContain('Acme Motors, 12 Main Street, Springfield, IL 62701');
      // Transactional email carries no list headers unless it has an unsubscribe link.
      expect(parsed.headers.has('list-unsubscribe')).toBe(false);
      expect(parsed.html).not.toContain('Unsubscribe');
    });

    it('gives marketing email the CAN-SPAM footer and RFC 8058 one-click unsubscribe headers', async () => {
      await mail.send(testEmail({ kind: 'marketing', unsubscribeUrl: UNSUBSCRIBE_URL }));
      const [{ parsed, raw }] = await smtp.waitFor(1);

      expect(parsed.html).toContain('Acme Motors &middot; 12 Main Street, Springfield, IL 62701');
      expect(parsed.html).toContain(`<a href="${UNSUBSCRIBE_URL.replace(/=/g, '&#x3D;')}"`);
      expect(parsed.html).toContain('>Unsubscribe</a>');
      expect(parsed.text).toContain(`Unsubscribe: ${UNSUBSCRIBE_URL}`);
      expect(parsed.text).toContain('Acme Motors, 12 Main Street, Springfield, IL 62701');
      expect(rawHeader(raw, 'List-Unsubscribe')).toBe(`<${UNSUBSCRIBE_URL}>`);
      expect(rawHeader(raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    });

    it('escapes user-supplied text in the HTML part and keeps it literal in the text part', async () => {
      await mail.send(testEmail({ context: { note: XSS.join(' ') } }));
      const [{ parsed }] = await smtp.waitFor(1);
      const html = parsed.html as string;

      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      expect(parsed.text).toContain(`Note from the sender: ${XSS.join(' ')}`);
    });

    it('does not let the template context pose as the brand', async () => {
      await mail.send(testEmail({ context: { brandName: 'Evil Corp', brandPostalAddress: 'Nowhere' } }));
      const [{ parsed }] = await smtp.waitFor(1);
      expect(parsed.html).not.toContain('Evil Corp');
      expect(parsed.html).toContain('This is a test email from Acme Motors.');
    });

    it('opens sealed links only when it sends (context and List-Unsubscribe); refuses what it cannot open', async () => {
      const key = moduleRef.get(AppConfig).encryptionKey;
      const link = 'https://advocates.acme.test/i/sealed-token';
      await mail.send(testEmail({ kind: 'marketing', sealed: sealEmailSecrets(key, { context: { note: link }, unsubscribeUrl: UNSUBSCRIBE_URL }) }));
      const [{ parsed, raw }] = await smtp.waitFor(1);
      expect(parsed.text).toContain(`Note from the sender: ${link}`);
      expect(rawHeader(raw, 'List-Unsubscribe')).toBe(`<${UNSUBSCRIBE_URL}>`);

      const otherKey = sealEmailSecrets(randomBytes(32), { context: { note: link } });
      await expect(mail.send(testEmail({ sealed: otherKey }))).rejects.toThrow(InvalidEmailError);
      await expect(mail.send(testEmail({ sealed: 'v1:not:sealed:at-all' }))).rejects.toThrow('cannot be opened');
      expect(smtp.messages).toHaveLength(1);
    });

    it('refuses a marketing email without an unsubscribe link, before sending anything', async () => {
      const attempt = mail.send(testEmail({ kind: 'marketing' }));
      await expect(attempt).rejects.toThrow(InvalidEmailError);
      await expect(attempt).rejects.toThrow('Marketing email "test" needs an unsubscribeUrl');
      expect(smtp.messages).toHaveLength(0);
    });

    it('refuses messages that could never be sent as asked', async () => {
      await expect(mail.send(testEmail({ to: 'ana@example.com, bob@example.com' }))).rejects.toThrow('one plain address');
      await expect(mail.send(testEmail({ to: 'Ana <ana@example.com>' }))).rejects.toThrow('one plain address');
      await expect(mail.send(testEmail({ template: '../layouts/base' }))).rejects.toThrow('not a kebab-case name');
      await expect(mail.send(testEmail({ template: 'no-such-email' }))).rejects.toThrow(
        'needs templates/emails/no-such-email.html.hbs and templates/emails/no-such-email.txt.hbs',
      );
      await expect(
        mail.send(testEmail({ kind: 'marketing', unsubscribeUrl: 'javascript:alert(1)' })),
      ).rejects.toThrow('absolute http(s) URL');
      await expect(mail.send(testEmail({ headers: { Bcc: 'spy@example.com' } }))).rejects.toThrow("can't be set");
      expect(smtp.messages).toHaveLength(0);
    });

    it('logs ids, never the recipient address', async () => {
      const messageId = await mail.send(testEmail({ to: 'private.person@example.com' }));
      expect(logger.lines.some((line) => line.includes(messageId) && line.includes('smtp'))).toBe(true);
      expect(logger.lines.join('\n')).not.toContain('private.person');
    });

    describe('send-email job processor', () => {
      let processor: SendEmailProcessor;

      beforeAll(() => {
        processor = moduleRef.get(SendEmailProcessor);
        // Real servers often echo the recipient; it must not reach logs or the job's stored error.
        smtp.reject('gone@example.com', 550, '5.1.1 <gone@example.com>: Recipient address rejected');
        smtp.reject('busy@example.com', 451, '4.7.1 <busy@example.com>: Greylisted, try again later');
      });

      it('sends the email', async () => {
        await processor.process(testEmail(), { jobId: 'job-1', attempt: 1 });
        const [{ parsed }] = await smtp.waitFor(1);
        expect(parsed.subject).toBe('Test email from Acme Motors');
      });

      it('throws on a transient 4xx rejection, so the queue retries, without the address in the error', async () => {
        const error = await processor.process(testEmail({ to: 'busy@example.com' }), { jobId: 'job-2', attempt: 1 }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(MailDeliveryError);
        expect(error).toMatchObject({ responseCode: 451, permanent: false, command: 'RCPT TO' });
        expect((error as Error).message).toContain('451 4.7.1 <[address]>: Greylisted');
        expect((error as Error).message).not.toContain('busy@');
        expect(Object.values(error as object).join(' ')).not.toContain('busy@');
      });

      it('ends the job without retrying on a permanent 5xx rejection, logging the code but not the address', async () => {
        const job = processor.process(testEmail({ to: 'gone@example.com' }), { jobId: 'job-3', attempt: 1 });
        await expect(job).resolves.toBeUndefined();
        const line = logger.lines.find((l) => l.includes('job-3'));
        expect(line).toContain('SMTP 550');
        expect(logger.lines.join('\n')).not.toContain('gone@');
      });

      it('ends the job without retrying on an invalid message', async () => {
        const job = processor.process(testEmail({ kind: 'marketing' }), { jobId: 'job-4', attempt: 1 });
        await expect(job).resolves.toBeUndefined();
        expect(logger.lines.find((l) => l.includes('job-4'))).toContain('needs an unsubscribeUrl');
      });
    });
  });

  describe('DKIM', () => {
    const { env, resolver } = dkimKey('acme.test', 'gw2026');

    async function sendSigned(transportEnv: Record<string, string>): Promise<Buffer> {
      const moduleRef = await boot({ ...env, ...transportEnv });
      try {
        await moduleRef.get(MailService).send(testEmail({ kind: 'marketing', unsubscribeUrl: UNSUBSCRIBE_URL }));
      } finally {
        await moduleRef.close();
      }
      if (transportEnv.SMTP_URL) return (await smtp.waitFor(1))[0].raw;
      const outbox = join(transportEnv.DATA_DIR, 'outbox');
      return readFileSync(join(outbox, readdirSync(outbox)[0]));
    }

    async function expectValidSignature(raw: Buffer): Promise<void> {
      const { results } = await dkimVerify(raw, { resolver });
      expect(results).toHaveLength(1);
      expect(results[0].status.result).toBe('pass');
      expect(results[0].signingDomain).toBe('acme.test');
      expect(signedHeaderNames(raw)).toEqual(
        expect.arrayContaining(['from', 'to', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']),
      );
    }

    beforeEach(() => smtp.clear());

    it('signs SMTP email, List-Unsubscribe and List-Unsubscribe-Post included', async () => {
      await expectValidSignature(await sendSigned({ DATA_DIR: dataDir(), SMTP_URL: smtp.url }));
    });

    it('signs outbox files too', async () => {
      await expectValidSignature(await sendSigned({ DATA_DIR: dataDir() }));
    });

    it('refuses to boot with a DKIM key that cannot sign', async () => {
      const broken = { ...env, DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' };
      await expect(boot({ ...broken, DATA_DIR: dataDir() })).rejects.toThrow('DKIM_PRIVATE_KEY is not a readable PEM private key');
    });

    it('fails verification when a signed header is changed in transit', async () => {
      const raw = await sendSigned({ DATA_DIR: dataDir(), SMTP_URL: smtp.url });
      const tampered = Buffer.from(raw.toString('utf8').replace('List-Unsubscribe=One-Click', 'List-Unsubscribe=Two-Click'));
      const { results } = await dkimVerify(tampered, { resolver });
      expect(results[0].status.result).toBe('fail');
    });
  });

  describe('without SMTP_URL (outbox files)', () => {
    it('writes each email as a parseable .eml under DATA_DIR/outbox and logs the file name at debug', async () => {
      const dir = dataDir();
      const logger = new CapturingLogger();
      const moduleRef = await boot({ DATA_DIR: dir }, logger);
      const mail = moduleRef.get(MailService);
      const first = await mail.send(testEmail());
      const second = await mail.send(testEmail({ kind: 'marketing', unsubscribeUrl: UNSUBSCRIBE_URL }));
      await moduleRef.close();

      const files = readdirSync(join(dir, 'outbox'));
      expect(files).toHaveLength(2);
      expect(files.every((name) => /^\d{8}T\d{9}Z-[A-Za-z0-9._@-]+\.eml$/.test(name))).toBe(true);
      // Sorted by time: the first email sent is the first file.
      const raws = [...files].sort().map((name) => readFileSync(join(dir, 'outbox', name)));
      const parsed = await Promise.all(raws.map((raw) => simpleParser(raw)));
      expect(parsed.map((p) => p.messageId)).toEqual([first, second]);
      expect(parsed[0].subject).toBe('Test email from Acme Motors');
      expect(parsed[0].to && !Array.isArray(parsed[0].to) ? parsed[0].to.text : undefined).toBe('ana@example.com');
      expect(parsed[0].html).toContain('This is a test email from Acme Motors.');
      expect(parsed[0].text).toContain('This is a test email from Acme Motors.');
      expect(rawHeader(raws[1], 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(raws[0].includes('\r\n')).toBe(true);

      // At debug: the file is its own record, and a first start's demo emails must not bury the start-up block.
      for (const name of files) expect(logger.debugLines.some((line) => line.includes(`outbox/${name}`))).toBe(true);
      expect(logger.lines.join('\n')).not.toContain('outbox/');
      expect([...logger.lines, ...logger.debugLines].join('\n')).not.toContain('ana@example.com');
    });
  });
});
