import { escapeXml, renderQuoteCard, wrap } from './quote-card';

describe('quote card', () => {
  it('wraps words into lines and ends a text too long for the card with an ellipsis', () => {
    expect(wrap('one two three four', 9, 3)).toEqual(['one two', 'three', 'four']);
    const long = wrap('word '.repeat(100), 20, 3);
    expect(long).toHaveLength(3);
    expect(long[2].endsWith('…')).toBe(true);
  });

  it('draws hostile text as text: markup and control characters can’t break out of the SVG', () => {
    expect(escapeXml(`<script>&"'\u0001</script>`)).toBe('&lt;script&gt;&amp;&quot;&apos;&lt;/script&gt;');
    const png = renderQuoteCard({ text: '</text><image href="file:///etc/passwd"/> & "quotes" \u202E ok', author: 'Ann <b>B.', locationName: 'A & B' });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
  });
});
