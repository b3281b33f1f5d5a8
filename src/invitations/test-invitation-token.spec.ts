import { randomUUID } from 'node:crypto';
import { signTestInvitation, verifyTestInvitation } from './test-invitation-token';

describe('test invitation tokens', () => {
  const key = 'a-key-long-enough-for-hmac-0123456789';
  const invitation = { campaignId: randomUUID(), locationId: randomUUID(), expiresAt: Date.now() + 60_000 };

  it('round-trips campaign, location and expiry (to the second) and stays short', () => {
    const token = signTestInvitation(key, invitation);
    expect(token.length).toBeLessThan(100);
    const read = verifyTestInvitation(key, token);
    expect(read).toMatchObject({ campaignId: invitation.campaignId, locationId: invitation.locationId });
    expect(Math.abs(read!.expiresAt - invitation.expiresAt)).toBeLessThan(1000);
    expect(verifyTestInvitation(key, signTestInvitation(key, { ...invitation, locationId: null }))?.locationId).toBeNull();
  });

  it('refuses another key, an altered body, an expired link and things that are not tokens', () => {
    const token = signTestInvitation(key, invitation);
    expect(verifyTestInvitation('another-key-0123456789-0123456789', token)).toBeNull();
    const [prefix, body, signature] = token.split('.');
    const other = signTestInvitation(key, { ...invitation, campaignId: randomUUID() }).split('.')[1];
    expect(verifyTestInvitation(key, `${prefix}.${other}.${signature}`)).toBeNull();
    expect(verifyTestInvitation(key, `${prefix}.${body}.${signature}.x`)).toBeNull();
    expect(verifyTestInvitation(key, token, invitation.expiresAt + 2000)).toBeNull();
    for (const junk of [undefined, 42, '', 't1.', 't1..', 'x'.repeat(43)]) expect(verifyTestInvitation(key, junk)).toBeNull();
  });
});
