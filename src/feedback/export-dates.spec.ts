import { dateFormatChoices, formatWithPattern, isDatePattern, normaliseDate, parseWithPattern } from './export-dates';

describe('dates in survey-tool exports', () => {
  it('reads dates by CLDR pattern in the location zone and asks when day/month order is unclear', () => {
    expect(parseWithPattern('11/1/2019 8:51:12', 'M/d/yyyy H:mm:ss', 'America/New_York')!.toISOString()).toBe('2019-11-01T12:51:12.000Z');
    expect(parseWithPattern('3.12.2026', 'd.M.yyyy', 'Europe/Berlin')!.toISOString()).toBe('2026-12-02T23:00:00.000Z');
    expect(parseWithPattern('2/30/2026 1:00:00', 'M/d/yyyy H:mm:ss', 'UTC')).toBeNull();
    expect(dateFormatChoices(['11/1/2019 8:51:12', '11/13/2019 9:00:00'])).toEqual(['M/d/yyyy H:mm:ss']);
    expect(dateFormatChoices(['1/2/2019', '3/4/2019'])).toEqual(['M/d/yyyy', 'd/M/yyyy']);
    expect(dateFormatChoices(['2026-11-20 10:00:00 UTC'])).toBeUndefined();
  });

  it('tells the shape of the dates survey tools and spreadsheets write, and reads them back', () => {
    const cases: [string[], string[], string, string][] = [
      // values, the patterns they could be written in, a value, what it reads as in UTC
      [['11/25/2026 10:32:15 AM', '11/26/2026 1:04:03 PM'], ['M/d/yyyy h:mm:ss a'], '11/26/2026 1:04:03 PM', '2026-11-26T13:04:03.000Z'],
      [['11/25/2026 12:05:00 AM'], ['M/d/yyyy h:mm:ss a'], '11/25/2026 12:05:00 AM', '2026-11-25T00:05:00.000Z'],
      [['11/25/26 10:32', '3/4/26 9:05'], ['M/d/yy H:mm'], '3/4/26 9:05', '2026-03-04T09:05:00.000Z'],
      [['25/11/2026 14:05', '3/4/2026 9:05'], ['d/M/yyyy H:mm'], '3/4/2026 9:05', '2026-04-03T09:05:00.000Z'],
      [['25-11-2026', '01-12-2026'], ['d-M-yyyy'], '01-12-2026', '2026-12-01T00:00:00.000Z'],
      [['2026/11/25 10:32:15'], ['yyyy/M/d H:mm:ss'], '2026/11/25 10:32:15', '2026-11-25T10:32:15.000Z'],
      [['11/25/2026, 10:32:15 AM'], ['M/d/yyyy, h:mm:ss a'], '11/25/2026, 10:32:15 AM', '2026-11-25T10:32:15.000Z'],
      [['3.4.26 9:05'], ['d.M.yy H:mm'], '3.4.26 9:05', '2026-04-03T09:05:00.000Z'],
      [['1/2/2019 10:00:00 PM', '3/4/2019 9:00:00 AM'], ['M/d/yyyy h:mm:ss a', 'd/M/yyyy h:mm:ss a'], '', ''],
    ];
    for (const [values, patterns, value, utc] of cases) {
      expect(dateFormatChoices(values)).toEqual(patterns);
      if (patterns.length === 1) expect(parseWithPattern(value, patterns[0], 'UTC')?.toISOString()).toBe(utc);
    }
    // Either order offered when it can't be told, each in the file's own shape; mixed shapes are not guessed.
    expect(dateFormatChoices(['1/2/2019 10:00:00 PM'])).toEqual(['M/d/yyyy h:mm:ss a', 'd/M/yyyy h:mm:ss a']);
    expect(dateFormatChoices(['11/25/2026', '11/25/26'])).toBeUndefined();
    expect(dateFormatChoices(['11/25/2026', '2026/11/25'])).toBeUndefined();
    expect(dateFormatChoices(['yesterday'])).toBeUndefined();
    // Patterns are shown by example on the mapping page.
    const example = new Date(Date.UTC(2026, 10, 20, 14, 5, 0));
    expect(formatWithPattern(example, 'M/d/yyyy h:mm:ss a')).toBe('11/20/2026 2:05:00 PM');
    expect(formatWithPattern(example, 'd.M.yy H:mm')).toBe('20.11.26 14:05');
    expect(formatWithPattern(example, "yyyy-MM-dd'T'HH:mm")).toBe('2026-11-20T14:05');
  });

  it('reads a date that names its zone at that offset, whatever the location (Google Forms downloads, … GMT+1, -0800)', () => {
    const cases: [string[], string, string, string][] = [
      // values, the one pattern they are written in, a value, what it reads as in UTC
      [['2026/11/20 10:04:05 AM GMT+1', '2026/11/21 3:04:05 PM GMT+1'], 'yyyy/M/d h:mm:ss a O', '2026/11/21 3:04:05 PM GMT+1', '2026-11-21T14:04:05.000Z'],
      [['2026/6/20 10:04:05 AM GMT-4', '2026/11/21 9:00:00 AM GMT-5'], 'yyyy/M/d h:mm:ss a O', '2026/11/21 9:00:00 AM GMT-5', '2026-11-21T14:00:00.000Z'],
      [['20/11/2026 10:04 GMT+5:30'], 'd/M/yyyy H:mm O', '20/11/2026 10:04 GMT+5:30', '2026-11-20T04:34:00.000Z'],
      [['11/20/2026 10:04:05 UTC'], 'M/d/yyyy H:mm:ss O', '11/20/2026 10:04:05 UTC', '2026-11-20T10:04:05.000Z'],
      [['11/20/2026 10:04:05 -0800'], 'M/d/yyyy H:mm:ss xx', '11/20/2026 10:04:05 -0800', '2026-11-20T18:04:05.000Z'],
      [['20.11.2026 10:04 +01:00'], 'd.M.yyyy H:mm xxx', '20.11.2026 10:04 +01:00', '2026-11-20T09:04:00.000Z'],
    ];
    for (const [values, pattern, value, utc] of cases) {
      expect(dateFormatChoices(values)).toEqual([pattern]);
      // The location's zone plays no part: the value says where it was written.
      expect(parseWithPattern(value, pattern, 'Asia/Tokyo')?.toISOString()).toBe(utc);
      expect(normaliseDate(value, pattern, 'America/New_York', false)).toBe(utc);
    }
    // One kind of zone per column, or none: a column that sometimes names it is not guessed.
    expect(dateFormatChoices(['2026/11/20 10:04:05 AM GMT+1', '2026/11/21 3:04:05 PM'])).toBeUndefined();
    expect(parseWithPattern('2026/11/20 10:04:05 AM', 'yyyy/M/d h:mm:ss a O', 'UTC')).toBeNull();
  });

  it('reads dates with the month named, in English (Nov 20, 2026 · 20 November 2026 · 20-Nov-26)', () => {
    const cases: [string[], string, string, string][] = [
      [['Nov 20, 2026 10:04 AM', 'Dec 1, 2026 3:30 PM'], 'MMM d, yyyy h:mm a', 'Dec 1, 2026 3:30 PM', '2026-12-01T15:30:00.000Z'],
      [['November 20, 2026', 'May 2, 2026'], 'MMMM d, yyyy', 'May 2, 2026', '2026-05-02T00:00:00.000Z'],
      [['20 November 2026 14:05', '3 June 2026 09:00'], 'd MMMM yyyy H:mm', '3 June 2026 09:00', '2026-06-03T09:00:00.000Z'],
      [['20-Nov-26', '03-Sep-26'], 'd-MMM-yy', '03-Sep-26', '2026-09-03T00:00:00.000Z'],
      [['Sept 3, 2026'], 'MMMM d, yyyy', 'Sept 3, 2026', '2026-09-03T00:00:00.000Z'],
    ];
    for (const [values, pattern, value, utc] of cases) {
      expect(dateFormatChoices(values)).toEqual([pattern]);
      expect(parseWithPattern(value, pattern, 'UTC')?.toISOString()).toBe(utc);
    }
    expect(dateFormatChoices(['Nov 20, 2026', '20 Nov 2026'])).toBeUndefined();
    expect(dateFormatChoices(['Foo 20, 2026'])).toBeUndefined();
    expect(parseWithPattern('Feb 30, 2026', 'MMM d, yyyy', 'UTC')).toBeNull();
    expect(formatWithPattern(new Date(Date.UTC(2026, 10, 20, 14, 5)), 'MMM d, yyyy h:mm a O')).toBe('Nov 20, 2026 2:05 PM GMT');
  });

  it('reads a naive ISO time with fractions of a second at the location, and checks a pattern given by hand', () => {
    expect(normaliseDate('2026-11-20 10:04:05.250', undefined, 'Europe/Berlin', false)).toBe('2026-11-20T09:04:05.250Z');
    expect(normaliseDate('2026-11-20 10:04:05.250', undefined, 'Europe/Berlin', true)).toBe('2026-11-20 10:04:05.250');
    // A day that does not exist is not rolled over into March: it stays as written, and the field check refuses it.
    expect(normaliseDate('2026-02-30 10:04:05', undefined, 'Europe/Berlin', false)).toBe('2026-02-30 10:04:05');
    expect(normaliseDate('2026-11-20 24:00', undefined, 'Europe/Berlin', false)).toBe('2026-11-20 24:00');
    expect(['M/d/yyyy H:mm:ss', "yyyy-MM-dd'T'HH:mm", 'yyyy/M/d h:mm:ss a O', 'MMM d, yyyy', 'd.M.yyyy H:mm:ss.SSS xxx', 'yyyy-MM-ddTHH:mm'].map(isDatePattern)).toEqual([true, true, true, true, true, true]);
    expect(['', 'H:mm', 'yyyy-MM-dd at HH:mm', 'M/d/yyyy Q', 'yyyyy'].map(isDatePattern)).toEqual([false, false, false, false, false]);
  });
});
