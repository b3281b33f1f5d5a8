import { npsOf } from './nps';

describe('npsOf', () => {
  it('is the share of promoters minus the share of detractors, to one decimal', () => {
    expect(npsOf(11, 5, 4)).toBe(9.1);
    expect(npsOf(7, 3, 1)).toBe(28.6);
    expect(npsOf(3, 0, 1)).toBe(-33.3);
    expect(npsOf(21, 8, 5)).toBe(14.3);
  });

  it('reads 100 and −100 at the ends, and nothing without responses', () => {
    expect(npsOf(4, 4, 0)).toBe(100);
    expect(npsOf(4, 0, 4)).toBe(-100);
    expect(npsOf(2, 1, 1)).toBe(0);
    expect(npsOf(0, 0, 0)).toBeNull();
  });
});
