import { localTime, msUntilSendingHours, withinSendingHours } from './sending-hours';

describe('sending hours in a location’s time zone', () => {
  const office = { start: 9, end: 19 };
  // 2026-11-24 14:30 UTC = 08:30 in Chicago (UTC-6), 09:30 in New York (UTC-5), 20:00 in Kolkata (UTC+5:30).
  const at = new Date('2026-11-24T14:30:00Z');

  it('reads the wall clock of each zone', () => {
    expect(localTime('America/Chicago', at)).toEqual({ hour: 8, minute: 30, second: 0 });
    expect(localTime('Asia/Kolkata', at)).toEqual({ hour: 20, minute: 0, second: 0 });
    expect(localTime('Not/A_Zone', at)).toEqual({ hour: 14, minute: 30, second: 0 });
  });

  it('opens 09:00 and closes before 19:00 local time', () => {
    expect(withinSendingHours(office, 'America/Chicago', at)).toBe(false);
    expect(withinSendingHours(office, 'America/New_York', at)).toBe(true);
    expect(withinSendingHours(office, 'Asia/Kolkata', at)).toBe(false);
    expect(withinSendingHours({ start: 0, end: 24 }, 'Asia/Kolkata', at)).toBe(true);
  });

  it('wraps past midnight when start > end', () => {
    const night = { start: 22, end: 6 };
    expect(withinSendingHours(night, 'UTC', new Date('2026-11-24T23:00:00Z'))).toBe(true);
    expect(withinSendingHours(night, 'UTC', new Date('2026-11-24T05:59:00Z'))).toBe(true);
    expect(withinSendingHours(night, 'UTC', new Date('2026-11-24T06:00:00Z'))).toBe(false);
  });

  it('says how long until they open', () => {
    expect(msUntilSendingHours(office, 'America/New_York', at)).toBe(0);
    expect(msUntilSendingHours(office, 'America/Chicago', at)).toBe(30 * 60_000);
    // Kolkata 20:00 → next 09:00 local is 13 hours away.
    expect(msUntilSendingHours(office, 'Asia/Kolkata', at)).toBe(13 * 3600_000);
  });

  it('follows daylight saving changes', () => {
    // Chicago moves from UTC-5 to UTC-6 on 2026-11-01 at 02:00 local. From 2026-10-31 20:00 local (01:00Z)
    // to 09:00 local (15:00Z) is 13 hours on the wall clock but 14 elapsed.
    const before = new Date('2026-11-01T01:00:00Z');
    expect(localTime('America/Chicago', before).hour).toBe(20);
    expect(msUntilSendingHours(office, 'America/Chicago', before)).toBe(14 * 3600_000);
  });
});
