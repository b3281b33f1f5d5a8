import { TweetEntityUrlV2, TwitterApi } from 'twitter-api-v2';

/** Enough for a customer's last few hours: Goodword looks right after its own try. */
const RECENT_POSTS = 20;
/** Posts older than the x_post row (minus clock skew) can't be ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Looks for a post on the account's recent timeline that carries `trackedUrl` (the share's own link,
 * unique per share), so a try whose answer was lost (worker died, connection dropped after X created
 * the post) is adopted instead of posted twice. X shortens links to t.co in `text`, so the link is
 * matched on `entities.urls[].expanded_url` (and `unwound_url`), with the text as a fallback.
 * Returns the X post id, or null.
 */
export async function findPostCarryingLink(
  client: TwitterApi,
  xUserId: string,
  trackedUrl: string,
  notBefore: Date,
): Promise<string | null> {
  const startTime = new Date(notBefore.getTime() - CLOCK_SKEW_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const timeline = await client.v2.userTimeline(xUserId, {
    max_results: RECENT_POSTS,
    'tweet.fields': ['entities', 'created_at'],
    exclude: ['retweets', 'replies'],
    start_time: startTime,
  });
  const found = timeline.tweets.find((tweet) => carriesLink(tweet, trackedUrl));
  return found?.id ?? null;
}

/** The parts of an X post the match looks at. */
export interface PostWithLinks {
  text?: string;
  entities?: { urls?: (Pick<TweetEntityUrlV2, 'expanded_url'> & Partial<Pick<TweetEntityUrlV2, 'unwound_url'>>)[] };
}

export function carriesLink(tweet: PostWithLinks, trackedUrl: string): boolean {
  const wanted = normaliseUrl(trackedUrl);
  const urls = tweet.entities?.urls ?? [];
  const viaEntities = urls.some((url) => {
    const candidates = [url.expanded_url, url.unwound_url];
    return candidates.some((candidate) => typeof candidate === 'string' && normaliseUrl(candidate) === wanted);
  });
  if (viaEntities) return true;
  // Not linkified by X (or no entities requested): the literal link in the text, followed by a non-URL character.
  const text = tweet.text ?? '';
  let index = text.indexOf(trackedUrl);
  while (index >= 0) {
    const next = text.charAt(index + trackedUrl.length);
    if (next === '' || /[\s)\]}>"'.,!?]/.test(next)) return true;
    index = text.indexOf(trackedUrl, index + 1);
  }
  return false;
}

function normaliseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
