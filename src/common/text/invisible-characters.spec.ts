import { cleanName, stripBidiControls } from './invisible-characters';

describe('invisible characters', () => {
  it('takes overrides, isolates, zero-width characters and controls out of names', () => {
    expect(cleanName('Sa\u202Em\u202C \u2066Lee\u2069\u200B\u200D\uFEFF')).toBe('Sam Lee');
    expect(cleanName(' Ana\u0007\t  María ')).toBe('Ana María');
    expect(cleanName('محمد')).toBe('محمد');
  });

  it('keeps joiners and marks in free text but drops embeddings, overrides and isolates', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    expect(stripBidiControls(`great ${family} \u202Etxet\u202C \u2067x\u2069 \u200F`)).toBe(`great ${family} txet x \u200F`);
  });
});
