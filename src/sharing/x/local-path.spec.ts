import { localPath, withQueryFlag } from './local-path';

describe(localPath.name, () => {
  it.each(['/i/abc', '/i/abc?step=share', '/'])('accepts %s', (path) => expect(localPath(path)).toBe(path));
  it.each(['', 'https://evil.example', '//evil.example/x', '/\\evil.example', 'i/abc', '/i/a\nb', 42, null, '/' + 'a'.repeat(600)])(
    'refuses %p',
    (path) => expect(localPath(path)).toBeNull(),
  );
});

describe(withQueryFlag.name, () => {
  it('adds the flag to the query string', () => {
    expect(withQueryFlag('/i/abc', 'x', 'connected')).toBe('/i/abc?x=connected');
    expect(withQueryFlag('/i/abc?step=share', 'x', 'failed')).toBe('/i/abc?step=share&x=failed');
    expect(withQueryFlag('/i/abc#share', 'x', 'connected')).toBe('/i/abc?x=connected#share');
  });
});
