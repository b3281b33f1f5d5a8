import { createHash } from 'node:crypto';
import { parseTweet } from 'twitter-text';

/**
 * The approved text with a share's tracked link as its system suffix (separated by a space, as X's own
 * intent links join text and url): what Goodword posts to X, and what every channel that carries text and
 * link together shares. The preview and the counter count this same string.
 */
export function composeXStatus(approvedText: string, trackedUrl: string): string {
  return `${approvedText.trimEnd()} ${trackedUrl}`;
}

export interface XStatusCheck {
  /** X's weighted length: most characters 1, CJK and emoji 2, every URL 23. */
  weightedLength: number;
  valid: boolean;
  reason?: 'too_long' | 'empty' | 'invalid';
}

/** Counts the post exactly as X does (twitter-text): at most 280 weighted characters. */
export function checkXStatus(status: string): XStatusCheck {
  const parsed = parseTweet(status);
  if (status.trim() === '') return { weightedLength: parsed.weightedLength, valid: false, reason: 'empty' };
  if (parsed.valid) return { weightedLength: parsed.weightedLength, valid: true };
  const reason = parsed.weightedLength > 280 ? 'too_long' : 'invalid';
  return { weightedLength: parsed.weightedLength, valid: false, reason };
}

/** SHA-256 (hex) of the approved text: stored with the post as evidence of exactly what was posted. */
export function hashText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
