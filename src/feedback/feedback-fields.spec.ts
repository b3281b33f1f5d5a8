import { isEmail } from 'class-validator';
import { validatePlain } from '../common/validation/validate-plain';
import { FeedbackItemDto } from './dto/feedback-item.dto';
import { mapHeaders } from '../common/csv/header.util';
import { FEEDBACK_CSV_COLUMNS, parseCsvRecord } from './feedback-csv';
import { checkConsent, checkDate, checkScore, isValidEmail, parseFeedback, JSON_LABELS, segmentOf } from './feedback-fields';

describe('feedback field rules', () => {
  it('classifies scores: 9–10 promoter, 7–8 passive, 0–6 detractor', () => {
    expect([0, 6, 7, 8, 9, 10].map(segmentOf)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
  });

  it.each([
    [10, 10], ['7', 7], [' 9 ', 9], ['0', 0], ['8.0', 8],
  ])('accepts the score %j', (value, expected) => {
    expect(checkScore('score', value)).toEqual({ ok: true, value: expected });
  });

  it.each([[11], [-1], ['7.5'], [7.5], ['ten'], ['1e1'], [''], [null], [true], ['0x9']])('refuses the score %j', (value) => {
    expect(checkScore('score', value).ok).toBe(false);
  });

  it.each([
    ['yes', true], ['No', false], ['TRUE', true], ['false', false], ['1', true], ['0', false], [true, true], [false, false], ['', null], [undefined, null],
  ])('reads the consent answer %j', (value, expected) => {
    expect(checkConsent('marketing_consent', value)).toEqual({ ok: true, value: expected });
  });

  it.each([['y'], ['maybe'], ['2'], ['si']])('refuses the consent answer %j', (value) => {
    expect(checkConsent('marketing_consent', value)).toEqual({ ok: false, reason: 'marketing_consent must be yes, no, true, false, 1 or 0' });
  });

  it.each([
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20 10:00', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T10:00:00.5+01:00', '2026-11-20T09:00:00.500Z'],
    ['2026-11-20T10:00:00-0530', '2026-11-20T15:30:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    // As survey tools export them: Delighted's `Created At`, zone offsets without a colon.
    ['2026-10-31 05:29:00 UTC', '2026-10-31T05:29:00.000Z'],
    ['2026-10-31 05:29:00 utc', '2026-10-31T05:29:00.000Z'],
    ['2026-10-31 05:29:00 GMT', '2026-10-31T05:29:00.000Z'],
    ['2026-10-31 05:29:00 +0100', '2026-10-31T04:29:00.000Z'],
    ['2026-10-31 05:29:00 -0700', '2026-10-31T12:29:00.000Z'],
  ])('reads the date %s', (value, iso) => {
    const result = checkDate('responded_at', value, Date.parse('2026-11-24T00:00:00Z'));
    expect(result.ok && result.value?.toISOString()).toBe(iso);
  });

  it.each([['20/11/2026'], ['11/20/2026'], ['2026-02-30'], ['2025-02-29'], ['2026-11-20T25:00'], ['yesterday'], ['2027-01-01'], ['2026-10-31 05:29:00 CET'], ['2026-10-31 05:29:00 +01:00:00']])(
    'refuses the date %s',
    (value) => {
      expect(checkDate('responded_at', value, Date.parse('2026-11-24T00:00:00Z')).ok).toBe(false);
    },
  );

  it('agrees with class-validator isEmail wherever its fast path says yes', () => {
    const samples = [
      'ana@example.com', 'a.b-c_d+e%f@sub.example.co.uk', 'x@y.io', 'first.last.12345@example.com', 'a@b.c',
      'a..b@example.com', '.a@example.com', 'a.@example.com', 'a@-example.com', 'a@example-.com', 'a@example.123',
      'a@exa_mple.com', 'ana@localhost', 'ä@example.com', 'ana@exämple.com', '"quoted"@example.com', `${'a'.repeat(64)}@example.com`,
      `${'a'.repeat(65)}@example.com`, `ana@${'b'.repeat(63)}.com`, `ana@${'b'.repeat(64)}.com`, 'ana@@example.com', 'ana@example..com',
      'ana@example.c0m', 'ana@xn--bcher-kva.example', 'a b@example.com', 'ana@example.com.', '',
    ];
    for (const email of samples) expect([email, isValidEmail(email)]).toEqual([email, isEmail(email)]);
  });

  it('gives the CSV door and the webhook door the same rules and reasons', () => {
    const csv = parseCsvRecord({ response_id: 'R-1', email: 'nope', location_code: 'dlr-1', score: '11', marketing_consent: 'maybe' });
    expect(csv.errors).toEqual([
      'email must be an email address',
      'score must be a whole number from 0 to 10',
      'marketing_consent must be yes, no, true, false, 1 or 0',
    ]);
    const json = validatePlain(FeedbackItemDto, { responseId: 'R-1', email: 'nope', locationCode: 'dlr-1', score: 11, marketingConsent: 'maybe' });
    expect(json.errors).toEqual([
      'email must be an email address',
      'score must be a whole number from 0 to 10',
      'marketingConsent must be yes, no, true, false, 1 or 0',
    ]);
    const good = validatePlain(FeedbackItemDto, { responseId: ' R-1 ', email: ' Ana@Example.com', locationCode: 'dlr-1', score: '9' });
    expect(good.errors).toBeNull();
    expect(parseFeedback(good.value!, JSON_LABELS).value).toEqual({
      responseId: 'R-1', email: 'ana@example.com', locationCode: 'DLR-1', score: 9, name: null, phone: null, comment: null,
      respondedAt: null, visitedAt: null, marketingConsent: null, touchpoint: null,
    });
  });

  it('takes an optional touchpoint (sales, service, …), lower-cased, through the CSV contract and the webhook alike', () => {
    const csv = parseCsvRecord({ response_id: 'R-1', email: 'a@example.com', location_code: 'dlr-1', score: '9', touchpoint: ' Service ' });
    expect(csv.value?.touchpoint).toBe('service');
    const json = validatePlain(FeedbackItemDto, { responseId: 'R-1', email: 'a@example.com', locationCode: 'dlr-1', score: 9, touchpoint: 'Sales' });
    expect(parseFeedback(json.value!, JSON_LABELS).value?.touchpoint).toBe('sales');
    const long = parseCsvRecord({ response_id: 'R-1', email: 'a@example.com', location_code: 'dlr-1', score: '9', touchpoint: 'x'.repeat(41) });
    expect(long.errors).toEqual([expect.stringContaining('touchpoint')]);
  });

  it.each([
    ['Delighted', ['Response ID', 'Email', 'Score', 'Comment', 'Permalink', 'Created At', 'Updated At'], 'Created At'],
    ['Qualtrics', ['StartDate', 'EndDate', 'Status', 'Progress', 'Finished', 'RecordedDate', 'ResponseId'], 'EndDate'],
    ['Qualtrics (recorded date only)', ['StartDate', 'Status', 'RecordedDate', 'ResponseId'], 'RecordedDate'],
    ['SurveyMonkey', ['Respondent ID', 'Collector ID', 'Start Date', 'End Date', 'Email Address'], 'End Date'],
    ['Typeform', ['#', 'How likely are you to recommend us?', 'Start Date (UTC)', 'Submit Date (UTC)', 'Network ID'], 'Submit Date (UTC)'],
    ['Google Forms', ['Timestamp', 'Email Address', 'How likely are you to recommend us?'], 'Timestamp'],
  ])('recognises the response-time column of a %s export', (_tool, headers, expected) => {
    const fields = mapHeaders(headers, FEEDBACK_CSV_COLUMNS);
    expect(headers.filter((_, i) => fields[i] === 'responded_at')).toEqual([expected]);
  });
});
