import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A "Send a test" link: signed (HMAC under HASH_KEY), not stored, naming the campaign and location whose page it
 * previews and when it stops working. It opens the real invitation page marked as a test, where nothing can be
 * approved, shared or counted.
 */
export interface TestInvitation {
  campaignId: string;
  locationId: string | null;
  expiresAt: number;
}

const PREFIX = 't1.';
export const SAMPLE_NAME = 'Alex Sample';
export const SAMPLE_COMMENT = 'The team was friendly and everything was ready on time. (Each customer sees their own words here.)';

/** Packed (two UUIDs and an expiry in seconds, 128-bit MAC) so the link stays shorter than the router's parameter limit. */
export function signTestInvitation(key: string, invitation: TestInvitation): string {
  const packed = Buffer.alloc(BODY_BYTES);
  uuidBytes(invitation.campaignId).copy(packed, 0);
  uuidBytes(invitation.locationId ?? NIL).copy(packed, 16);
  packed.writeUIntBE(Math.ceil(invitation.expiresAt / 1000), 32, 6);
  const body = packed.toString('base64url');
  return `${PREFIX}${body}.${mac(key, body)}`;
}

/** The test invitation a token names, or null when it isn't one, was altered or has expired. */
export function verifyTestInvitation(key: string, token: unknown, now = Date.now()): TestInvitation | null {
  if (typeof token !== 'string' || !token.startsWith(PREFIX) || token.length > 100) return null;
  const [body, signature, extra] = token.slice(PREFIX.length).split('.');
  if (!body || !signature || extra !== undefined) return null;
  const expected = Buffer.from(mac(key, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const packed = Buffer.from(body, 'base64url');
  if (packed.length !== BODY_BYTES) return null;
  const expiresAt = packed.readUIntBE(32, 6) * 1000;
  if (expiresAt < now) return null;
  const locationId = uuidOf(packed.subarray(16, 32));
  return { campaignId: uuidOf(packed.subarray(0, 16)), locationId: locationId === NIL ? null : locationId, expiresAt };
}

const BODY_BYTES = 38;
const NIL = '00000000-0000-0000-0000-000000000000';

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function mac(key: string, body: string): string {
  return createHmac('sha256', key).update(`test-invitation\u0000${body}`).digest().subarray(0, 16).toString('base64url');
}
