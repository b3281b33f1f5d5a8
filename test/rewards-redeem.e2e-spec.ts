import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { RewardCode } from '../src/rewards/reward-code.entity';
import { RewardOffer } from '../src/rewards/reward-offer.entity';
import { seedCustomers, seedLocation, setup, staffHeader } from './campaign-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';

/** Issue #16 step 4: the point-of-sale API (redeem once, Idempotency-Key, look up) and staff voids. */
describe.each<Dialect>(['postgres', 'sqlite'])('reward codes at the point of sale on %s', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let till: Record<string, string>;
  let otherTill: Record<string, string>;
  let marketer: Record<string, string>;
  let dealer: Record<string, string>;
  let offer: RewardOffer;
  let customers: string[];
  let next = 0;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    const location = await seedLocation(t.app, 'DLR-001', 'Downtown');
    customers = await seedCustomers(db, Array.from({ length: 12 }, (_, i) => ({ email: `c${i}@example.com`, score: 10, consent: true, location })));
    marketer = (await staffHeader(t.app, 'marketer')).headers;
    dealer = (await staffHeader(t.app, 'dealer', ['DLR-001'])).headers;
    till = { 'x-api-key': (await t.app.get(ApiKeysService).create(setup, 'Till 1')).key };
    otherTill = { 'x-api-key': (await t.app.get(ApiKeysService).create(setup, 'Till 2')).key };
    const campaignId = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers: marketer, payload: { name: 'Thanks' } })).json().id;
    await t.app.inject({ method: 'POST', url: `/api/campaigns/${campaignId}/reward-offer`, headers: marketer, payload: { description: 'a free car wash', terms: 'One per visit.', budget: 20, codeSource: 'pool' } });
    offer = await db.getRepository(RewardOffer).findOneByOrFail({ campaignId });
    await db.getRepository(RewardCode).insert({ offerId: offer.id, code: 'POOL-UNISSUED', status: 'available' });
  });
  afterAll(() => t?.close());

  /** A code issued to the next customer, as an approval would leave it. */
  async function issued(code: string): Promise<string> {
    await db.getRepository(RewardCode).insert({ offerId: offer.id, code, status: 'issued', customerId: customers[next++], issuedAt: new Date() });
    return code;
  }
  const redeem = (payload: unknown, headers: Record<string, string> = till) => t.app.inject({ method: 'POST', url: '/api/rewards/redeem', headers, payload: payload as object });

  it('looks a code up without redeeming it; unknown and unissued codes are 404', async () => {
    const code = await issued('WASH-AAAA-BBBB-CCCCC');
    const res = await t.app.inject({ method: 'GET', url: `/api/rewards/codes/wash-aaaa-bbbb-ccccc`, headers: till });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code, status: 'issued', description: 'a free car wash', terms: 'One per visit.', redeemedAt: null });
    expect((await t.app.inject({ method: 'GET', url: `/api/rewards/codes/${code}`, headers: till })).json().status).toBe('issued');
    expect((await t.app.inject({ method: 'GET', url: '/api/rewards/codes/NOPE-1234', headers: till })).json()).toEqual({ statusCode: 404, message: ['Unknown code'], error: 'Not Found' });
    expect((await t.app.inject({ method: 'GET', url: '/api/rewards/codes/POOL-UNISSUED', headers: till })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/rewards/codes/${code}` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/api/rewards/codes/${code}`, headers: dealer })).statusCode).toBe(403);
  });

  it('redeems once: 200 with what was redeemed, then 409 saying it was redeemed already', async () => {
    const code = await issued('WASH-DDDD-EEEE-FFFFF');
    const first = await redeem({ code: ` ${code.toLowerCase()} ` });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ code, status: 'redeemed', description: 'a free car wash', terms: 'One per visit.' });
    expect(first.json().redeemedAt).toEqual(expect.any(String));
    const second = await redeem({ code });
    expect(second.statusCode).toBe(409);
    expect(second.json().message[0]).toMatch(/^This code was redeemed already, at \d{4}-/);
    expect(await db.getRepository(AuditEvent).countBy({ action: 'reward.redeem' })).toBe(1);
  });

  it('answers a retry carrying the same Idempotency-Key with the first answer, and anyone else with a 409', async () => {
    const code = await issued('WASH-GGGG-HHHH-JJJJJ');
    const first = await redeem({ code }, { ...till, 'idempotency-key': 'sale-42' });
    expect(first.statusCode).toBe(200);
    const retry = await redeem({ code }, { ...till, 'idempotency-key': 'sale-42' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect((await redeem({ code }, { ...till, 'idempotency-key': 'sale-43' })).statusCode).toBe(409);
    expect((await redeem({ code }, { ...otherTill, 'idempotency-key': 'sale-42' })).statusCode).toBe(409);
    expect((await redeem({ code }, till)).statusCode).toBe(409);
  });

  it('refuses voided and expired codes, saying which; 404 for unknown; 400 for a malformed body', async () => {
    const voided = await issued('WASH-KKKK-LLLL-MMMMM');
    const v = await t.app.inject({ method: 'POST', url: `/api/rewards/codes/${voided}/void`, headers: marketer, payload: { reason: 'Customer asked to cancel' } });
    expect(v.statusCode).toBe(200);
    expect(v.json()).toMatchObject({ status: 'voided', voidReason: 'Customer asked to cancel' });
    expect((await redeem({ code: voided })).json()).toEqual({ statusCode: 409, message: ['This code was voided'], error: 'Conflict' });

    const expiring = await issued('WASH-NNNN-PPPP-QQQQQ');
    await db.getRepository(RewardOffer).update(offer.id, { expiresAt: new Date(Date.now() - 60_000) });
    try {
      const expired = await redeem({ code: expiring });
      expect(expired.statusCode).toBe(409);
      expect(expired.json().message[0]).toMatch(/^This code expired at /);
      expect((await t.app.inject({ method: 'GET', url: `/api/rewards/codes/${expiring}`, headers: till })).json().status).toBe('expired');
    } finally {
      await db.getRepository(RewardOffer).update(offer.id, { expiresAt: null });
    }

    expect((await redeem({ code: 'NOPE-0000' })).statusCode).toBe(404);
    for (const body of [{}, { code: 5 }, { code: 'has space' }, { code: 'WASH-NNNN-PPPP-QQQQQ', extra: 1 }]) {
      const res = await redeem(body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe('Bad Request');
    }
  });

  it('lets one of many racing tills redeem a code', async () => {
    const code = await issued('WASH-RRRR-SSSS-TTTTT');
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => redeem({ code }, i % 2 ? till : otherTill)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('voids only issued codes, for staff: audited, the reason kept on the code and out of the audit log', async () => {
    const code = await issued('WASH-UUUU-VVVV-WWWWW');
    const url = `/api/rewards/codes/${code}/void`;
    expect((await t.app.inject({ method: 'POST', url, headers: marketer, payload: { reason: '' } })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url, headers: till, payload: { reason: 'Mistake here' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url, headers: dealer, payload: { reason: 'Mistake here' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url, headers: marketer, payload: { reason: 'Mistake here' } })).statusCode).toBe(200);
    const again = await t.app.inject({ method: 'POST', url, headers: marketer, payload: { reason: 'Mistake here' } });
    expect(again.json()).toEqual({ statusCode: 409, message: ['This code was voided already'], error: 'Conflict' });
    const redeemed = await issued('WASH-XXXX-YYYY-ZZZZZ');
    expect((await redeem({ code: redeemed })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/api/rewards/codes/${redeemed}/void`, headers: marketer, payload: { reason: 'Too late' } })).statusCode).toBe(409);
    const audit = await db.getRepository(AuditEvent).findBy({ action: 'reward.void' });
    expect(audit.map((a) => a.details)).toContainEqual({ offerId: offer.id });
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain('Mistake here');
    const lookup = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: `/api/rewards/codes/${code}`, headers });
    expect((await lookup(marketer)).json()).toMatchObject({ status: 'voided', voidReason: 'Mistake here' });
    expect((await lookup(till)).json()).toMatchObject({ status: 'voided', voidReason: null });
  });
});
