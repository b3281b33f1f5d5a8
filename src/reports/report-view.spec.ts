import { conversion, FUNNEL_STEPS } from './report-view';

const step = (key: string) => FUNNEL_STEPS.find((s) => s.key === key)!;

describe('funnel conversion', () => {
  it('reads a part of the step before as a whole percentage', () => {
    expect(conversion(126, 726, step('promoters'))).toBe('17%');
    expect(conversion(15, 15, step('approved'))).toBe('100%');
  });

  it('never shows a percentage above 100: more than the step before reads as so many per item of it', () => {
    // The range holds invitations of promoters who responded before it.
    expect(conversion(61, 34, step('invited'))).toBe('1.8 per promoter');
    // Shares and visits are counted in their own units, below the step before too.
    expect(conversion(5, 2, step('shared'))).toBe('2.5 per approval');
    expect(conversion(1, 3, step('shared'))).toBe('0.3 per approval');
    expect(conversion(2104, 300, step('humanClicks'))).toBe('7 per share');
  });

  it('says "—" when the step before is empty', () => {
    expect(conversion(0, 0, step('promoters'))).toBe('—');
    expect(conversion(4, 0, step('humanClicks'))).toBe('—');
  });
});
