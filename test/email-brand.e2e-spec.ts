import { MailService } from '../src/notifications/mail.service';
import { staffHeader } from './campaign-fixtures';
import { createTestApp, TestApp } from './support/app';
import { TestSmtpServer } from './support/smtp-server';

/** Admins change the brand in the settings; every email's name and CAN-SPAM footer follow, as pages do. */
describe('email brand from the settings (SQLite)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect: 'sqlite', env: { SMTP_URL: `${smtp.url}?pool=false`, BRAND_NAME: 'Env Brand', BRAND_POSTAL_ADDRESS: '1 Env Street' } });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const send = () =>
    t.app.get(MailService).send({ to: 'ana@example.com', template: 'test', subject: 'Hello', context: {}, kind: 'transactional' });

  it('uses the environment’s brand until an admin sets one, then the settings’', async () => {
    await send();
    const [before] = await smtp.waitFor(1);
    expect(before.parsed.text).toContain('1 Env Street');
    smtp.clear();

    const { headers } = await staffHeader(t.app, 'admin');
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/api/settings',
      headers,
      payload: { brandName: 'Harbour Group', brandPostalAddress: '7 Quay Street, Portville' },
    });
    expect(patched.statusCode).toBe(200);
    await send();
    const [after] = await smtp.waitFor(1);
    expect(after.parsed.text).toContain('7 Quay Street, Portville');
    expect(after.parsed.html).toContain('Harbour Group');
    expect(after.parsed.text).not.toContain('1 Env Street');
  });

  it('sends from the brand name of the moment when MAIL_FROM is unset', async () => {
    smtp.clear();
    const { headers } = await staffHeader(t.app, 'admin');
    const patch = (brandName: string) => t.app.inject({ method: 'PATCH', url: '/api/settings', headers, payload: { brandName } });
    expect((await patch('Quay, "Harbour" & Sons')).statusCode).toBe(200);
    await send();
    const [first] = await smtp.waitFor(1);
    expect(first.parsed.from?.value).toEqual([{ name: 'Quay, "Harbour" & Sons', address: 'no-reply@localhost' }]);
    smtp.clear();

    expect((await patch('Northwind Cars')).statusCode).toBe(200);
    await send();
    const [second] = await smtp.waitFor(1);
    expect(second.parsed.from?.value).toEqual([{ name: 'Northwind Cars', address: 'no-reply@localhost' }]);
  });
});

describe('email sender with an explicit MAIL_FROM (SQLite)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect: 'sqlite', env: { SMTP_URL: `${smtp.url}?pool=false`, MAIL_FROM: 'Acme Mail <mail@acme.test>' } });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('keeps MAIL_FROM after an admin changes the brand', async () => {
    const { headers } = await staffHeader(t.app, 'admin');
    expect((await t.app.inject({ method: 'PATCH', url: '/api/settings', headers, payload: { brandName: 'Northwind Cars' } })).statusCode).toBe(200);
    await t.app.get(MailService).send({ to: 'ana@example.com', template: 'test', subject: 'Hello', context: {}, kind: 'transactional' });
    const [message] = await smtp.waitFor(1);
    expect(message.parsed.from?.value).toEqual([{ name: 'Acme Mail', address: 'mail@acme.test' }]);
    expect(message.parsed.html).toContain('Northwind Cars');
  });
});
