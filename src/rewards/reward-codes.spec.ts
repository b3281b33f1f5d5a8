import { CODE_ALPHABET, generateCode, parsePoolFile, RANDOM_SYMBOLS } from './reward-codes';

describe('generateCode', () => {
  it('puts the prefix before 65 random bits in an alphabet without 0, O, 1 or I', () => {
    const code = generateCode('WASH');
    expect(code).toMatch(/^WASH-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{5}$/);
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(CODE_ALPHABET).not.toMatch(/[01OI]/);
    expect(RANDOM_SYMBOLS * Math.log2(CODE_ALPHABET.length)).toBeGreaterThanOrEqual(64);
  });

  it('draws every symbol and never repeats a code in many draws', () => {
    const codes = Array.from({ length: 5000 }, () => generateCode(null));
    expect(new Set(codes).size).toBe(codes.length);
    const used = new Set(codes.join('').replace(/-/g, ''));
    expect([...used].sort().join('')).toBe(CODE_ALPHABET);
  });
});

describe('parsePoolFile', () => {
  it('takes one code per line, with or without a header, and ignores a trailing line break', () => {
    expect(parsePoolFile('code\r\nabc-123\nXYZ-999\n')).toEqual({
      codes: [{ line: 2, code: 'ABC-123' }, { line: 3, code: 'XYZ-999' }],
      problems: [],
    });
    expect(parsePoolFile('"GIFT-1",extra\nGIFT-2').codes.map((c) => c.code)).toEqual(['GIFT-1', 'GIFT-2']);
  });

  it('refuses blank lines, malformed codes and duplicates with their line numbers', () => {
    const { problems } = parsePoolFile('code\nAAA-1\n\nhas space\naaa-1\nBBB-2\n  \n');
    expect(problems).toEqual([
      { line: 3, reason: 'Blank line: every line needs a code.' },
      { line: 4, reason: expect.stringMatching(/^Not a code/) },
      { line: 5, reason: 'Duplicate of line 2.' },
      { line: 7, reason: 'Blank line: every line needs a code.' },
    ]);
  });

  it('refuses a file with no codes', () => {
    expect(parsePoolFile('code\n').problems).toEqual([{ line: 1, reason: 'The file has no codes.' }]);
  });
});
