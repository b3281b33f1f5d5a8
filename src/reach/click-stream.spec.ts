import { forgettableBefore } from './click-stream';

describe('forgettableBefore (which recorded stream entries may be forgotten)', () => {
  const now = Date.UTC(2026, 11, 5, 12, 0, 0);
  const hourAgo = `${now - 3_600_000}-0`;

  it('forgets entries older than an hour when nothing is pending', () => {
    expect(forgettableBefore(null, now)).toBe(hourAgo);
  });

  it('keeps everything from the oldest pending entry on, however old (it may be delivered again)', () => {
    const pendingMs = now - 5 * 3_600_000;
    expect(forgettableBefore(`${pendingMs}-0`, now)).toBe(`${pendingMs}-0`);
  });

  it("bounds at the pending entry's millisecond, whose later ids compare as text before it (`-10` < `-9`)", () => {
    const pendingMs = now - 5 * 3_600_000;
    const bound = forgettableBefore(`${pendingMs}-9`, now);
    expect(bound).toBe(`${pendingMs}-0`);
    for (const later of [`${pendingMs}-9`, `${pendingMs}-10`, `${pendingMs}-123`, `${pendingMs + 1}-0`]) expect(later >= bound).toBe(true);
    expect(`${pendingMs - 1}-99` < bound).toBe(true);
  });

  it('still forgets only what is an hour old when the oldest pending entry is recent', () => {
    expect(forgettableBefore(`${now - 60_000}-0`, now)).toBe(hourAgo);
  });
});
