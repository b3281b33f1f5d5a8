import { createHash } from 'node:crypto';
import { parseTweet } from 'twitter-text';

/**
 * The post Goodword sends to X: the customer's approved text, then the share's tracked link as a system
 * suffix (separated by a space, as X's own intent links join text and url). The share page's preview
 * and counter should use this same function.
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
