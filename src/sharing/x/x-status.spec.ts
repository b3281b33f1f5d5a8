import { checkXStatus, composeXStatus, hashText } from './x-status';

describe('X status', () => {
  const link = 'https://advocates.example.com/r/Ab3dE9';

  it('appends the tracked link after a space', () => {
    expect(composeXStatus('Great service!  \n', link)).toBe(`Great service! ${link}`);
  });

  it('counts as X does: a URL is 23, emoji and CJK are 2', () => {
    expect(checkXStatus(composeXStatus('Hi', link))).toEqual({ weightedLength: 2 + 1 + 23, valid: true });
    expect(checkXStatus('👍').weightedLength).toBe(2);
    expect(checkXStatus('日本').weightedLength).toBe(4);
  });

  it('refuses more than 280 weighted characters, and empty posts', () => {
    expect(checkXStatus(composeXStatus('a'.repeat(256), link)).valid).toBe(true);
    expect(checkXStatus(composeXStatus('a'.repeat(257), link))).toMatchObject({ valid: false, reason: 'too_long' });
    expect(checkXStatus('   ')).toMatchObject({ valid: false, reason: 'empty' });
  });

  it('hashes the approved text with SHA-256', () => {
    expect(hashText('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
