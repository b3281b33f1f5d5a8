import { carriesLink } from './x-timeline';

describe(carriesLink.name, () => {
  const link = 'https://advocates.example.com/r/Ab3dE9';

  it('matches the expanded URL behind a t.co link', () => {
    const tweet = {
      text: 'Great service! https://t.co/xYz123AbCd',
      entities: { urls: [{ start: 15, end: 38, url: 'https://t.co/xYz123AbCd', expanded_url: link, display_url: 'advocates.example.com/r/Ab3dE9' }] },
    };
    expect(carriesLink(tweet, link)).toBe(true);
  });

  it('matches the literal link in the text', () => {
    expect(carriesLink({ text: `Great service! ${link}` }, link)).toBe(true);
    expect(carriesLink({ text: `Great service (${link}).` }, link)).toBe(true);
  });

  it('does not match another share whose link starts the same', () => {
    expect(carriesLink({ text: `Great service! ${link}x` }, link)).toBe(false);
    const tweet = { text: 'x', entities: { urls: [{ start: 0, end: 1, url: 'u', expanded_url: `${link}x`, display_url: 'd' }] } };
    expect(carriesLink(tweet, link)).toBe(false);
  });
});
