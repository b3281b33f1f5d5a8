import { isBot, isBotRequest } from './bot-filter';

const PHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';

describe(isBot.name, () => {
  it.each([
    // The link-preview fetchers named in issue #13, each checked here.
    'Twitterbot/1.0',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
    'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
    'WhatsApp/2.23.20.0 A',
    'TelegramBot (like TwitterBot)',
    'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
    // iMessage previews
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)',
    // Our own additions, which isbot misses
    'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.4266; Pro)',
    // Crawlers and scripts
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)',
    'Mastodon/4.2.1 (http.rb/5.1.1; +https://mastodon.social/)',
    'curl/8.5.0',
    'python-requests/2.31.0',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36',
    '',
    undefined,
  ])('treats %p as a bot', (ua) => expect(isBot(ua)).toBe(true));

  it.each([
    PHONE,
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
    // In-app browsers of the networks people share to are people, not the networks' preview fetchers.
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 308.0.2.18.106',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/440.0]',
  ])('counts %p as a person', (ua) => expect(isBot(ua)).toBe(false));
});

describe(isBotRequest.name, () => {
  it.each([
    ['HEAD', {}],
    ['GET', { 'sec-purpose': 'prefetch' }],
    ['GET', { 'sec-purpose': 'prefetch;prerender' }],
    ['GET', { purpose: 'prefetch' }],
    ['GET', { 'user-agent': 'Twitterbot/1.0' }],
  ])('counts a person’s browser sending %s %j as a bot hit', (method, headers) =>
    expect(isBotRequest(method, { 'user-agent': PHONE, ...headers })).toBe(true),
  );

  it('counts a plain GET from a browser as a person', () => expect(isBotRequest('GET', { 'user-agent': PHONE })).toBe(false));
});

describe('isBot on a repeated agent', () => {
  it('gives the same verdict the second time (the cached one), for bots and browsers alike', () => {
    const agents = ['Twitterbot/1.0', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'];
    const first = agents.map((ua) => isBot(ua));
    expect(first).toEqual([true, false]);
    expect(agents.map((ua) => isBot(ua))).toEqual(first);
  });

  it('keeps answering correctly past the cache bound', () => {
    for (let i = 0; i < 6000; i++) expect(isBot(`Mozilla/5.0 (X11; Linux x86_64) Firefox/${i}.0`)).toBe(false);
    expect(isBot('Twitterbot/1.0')).toBe(true);
  });
});
