import { firstNameOf } from '../campaigns/invitation-email';
import { checkXStatus, composeXStatus, XStatusCheck } from '../sharing/x/x-status';

/** Long enough for a heartfelt paragraph, short enough for a card. */
export const MAX_TEXT_LENGTH = 1000;

/** What the customer typed, as it will be stored: line endings unified, outer blank space dropped. */
export function normaliseDraft(raw: string): string {
  return raw.replace(/\r\n?/g, '\n').trim();
}

/**
 * DESIGN "approved text": when a reward is accepted, the disclosure line comes first, before the words it
 * qualifies (FTC: where it can't be missed), then the customer's words.
 */
export function approvedTextOf(draft: string, disclosure: string | null): string {
  return disclosure ? `${disclosure}\n\n${draft}` : draft;
}

/** "Ana S." from "Ana Maria Silva": first name and the initial of the last; null without a name. */
export function authorNameOf(name: string | null | undefined): string | null {
  const first = firstNameOf(name);
  if (!first) return null;
  const parts = name!.trim().split(/\s+/);
  const last = parts.length > 1 ? parts[parts.length - 1] : '';
  const initial = last ? `${Array.from(last)[0].toLocaleUpperCase()}.` : '';
  return `${first} ${initial}`.trim().slice(0, 80);
}

/** Why a draft can't be approved as it is; empty when it can. */
export function draftProblems(draft: string): string[] {
  if (draft === '') return ['Please write a few words: your recommendation is empty.'];
  if (draft.length > MAX_TEXT_LENGTH) return [`Please keep it under ${MAX_TEXT_LENGTH} characters (it has ${draft.length}).`];
  return [];
}

/**
 * The X length of the post Goodword or the X intent link would make: the approved text and a tracked
 * link of the share's length (12-character code), counted as X counts (twitter-text).
 */
export function xCheckFor(approvedText: string, publicUrl: string): XStatusCheck {
  return checkXStatus(composeXStatus(approvedText, `${publicUrl}/r/${'x'.repeat(12)}`));
}
