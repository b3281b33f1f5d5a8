import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { InvitationsService } from '../src/invitations/invitations.service';
import { createTestApp, Dialect, TestApp } from './support/app';

/**
 * A message withdrawn at send time gives its frequency-cap slot back only if it was really still unsent: the
 * answer must not be read from the length of TypeORM's `[rows, affected]` (always 2 on PostgreSQL).
 */
describe.each<Dialect>(['postgres', 'sqlite'])('withdrawing a message on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(() => t.close());

  it('says false when there was nothing left to withdraw', async () => {
    const invitations = t.app.get(InvitationsService);
    const db = t.app.get(DataSource);
    for (const kind of ['invitation', 'reminder'] as const) {
      expect(await db.transaction((m) => invitations.withdraw(m, { invitationId: randomUUID(), kind }))).toBe(false);
    }
  });
});
