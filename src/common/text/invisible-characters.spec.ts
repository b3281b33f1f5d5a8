import { cleanName, stripBidiControls } from './invisible-characters';

describe('invisible characters', () => {
  it('takes overrides, isolates, zero-width characters and controls out of names', () => {
    expect(cleanName('Sa\u202Em\u202C \u2066Lee\u2069\u200B\u200D\uFEFF')).toBe('Sam Lee');
    expect(cleanName(' Ana\u0007\t  María ')).toBe('Ana María');
    expect(cleanName('محمد')).toBe('محمد');
  });

  it('returns an already clean name as it is, and cleans every other one exactly as the full rule does', () => {
    // The full rule, written out: what the quick check for already clean names must never disagree with.
    const rule = (text: string) => text.replace(/[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g, '').replace(/\s+/g, ' ').trim();
    for (const name of ['Ana Silva', 'García Müller', "O'Neil", '名 字', 'a b c']) expect(cleanName(name)).toBe(name);
    const parts = ['a', 'É', ' ', '  ', '\t', '\n', '\u00A0', '\u3000', '\u2028', '\u0085', '\u200B', '\u200E', '\u202E', '\u2066', '\u061C', '\uFEFF', '\u0000'];
    // Every string of up to three parts, so each pair of neighbours (and each edge) is tried.
    const strings = [''];
    for (let length = 1; length <= 3; length++) {
      for (const prefix of strings.filter((s) => s.length > 0 || length === 1)) for (const part of parts) strings.push(prefix + part);
    }
    for (const text of strings) expect([text, cleanName(text)]).toEqual([text, rule(text)]);
  });

  it('keeps joiners and marks in free text but drops embeddings, overrides and isolates', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    expect(stripBidiControls(`great ${family} \u202Etxet\u202C \u2067x\u2069 \u200F`)).toBe(`great ${family} txet x \u200F`);
  });
});
