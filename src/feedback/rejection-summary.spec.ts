import { summariseRejections } from './rejection-summary';

describe('summariseRejections', () => {
  it('counts each problem of a reason, folds the values at fault into examples and puts the most rows first', () => {
    const problems = summariseRejections([
      { reason: 'score is required', rows: 40 },
      { reason: 'unknown location code NOPE-9', rows: 7 },
      { reason: 'unknown location code X-1', rows: 5 },
      { reason: 'unknown location code Y-2', rows: 1 },
      { reason: 'unknown location code Z-3', rows: 1 },
      { reason: 'score must be a whole number from 0 to 10; email must be an email address', rows: 2 },
      { reason: 'email must be an email address', rows: 3 },
      { reason: 'responded_at is not a date: 2026-02-30 does not exist', rows: 1 },
      { reason: 'responded_at is not a date: 2026-02-31 does not exist', rows: 1 },
    ]);
    expect(problems.map(({ problem, rows, examples }) => ({ problem, rows, examples }))).toEqual([
      { problem: 'score is required', rows: 40, examples: [] },
      { problem: 'unknown location code', rows: 14, examples: ['NOPE-9', 'X-1', 'Y-2'] },
      { problem: 'email must be an email address', rows: 5, examples: [] },
      { problem: 'responded_at is not a date: no such day', rows: 2, examples: ['2026-02-30', '2026-02-31'] },
      { problem: 'score must be a whole number from 0 to 10', rows: 2, examples: [] },
    ]);
  });

  it('says what to do about the problems real exports run into, and nothing where it has no advice', () => {
    const advice = Object.fromEntries(
      summariseRejections([
        { reason: 'score is required', rows: 1 },
        { reason: 'unknown location code Q', rows: 1 },
        { reason: 'response_id is required', rows: 1 },
      ]).map((p) => [p.problem, p.advice]),
    );
    expect(advice['score is required']).toMatch(/skipped it or did not finish/);
    expect(advice['unknown location code']).toMatch(/Add the location/);
    expect(advice['response_id is required']).toBeNull();
  });

  it('reads the reader’s own refusals as one problem each', () => {
    const problems = summariseRejections([
      { reason: 'Row has 3 fields, header has 10', rows: 1 },
      { reason: 'Row has 12 fields, header has 10', rows: 1 },
      { reason: 'A quote opened on line 16 is never closed, so lines 16–20 were not read', rows: 1 },
    ]);
    expect(problems).toEqual([
      { problem: 'the row has more or fewer fields than the header', rows: 2, examples: ['3 of 10', '12 of 10'], advice: null },
      { problem: 'a quote is never closed, so the rest of the file was not read', rows: 1, examples: ['line 16'], advice: null },
    ]);
  });
});
