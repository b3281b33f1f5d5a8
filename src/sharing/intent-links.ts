import { ShareChannel } from './share.entity';
import { composeXStatus } from './x/x-status';

/** The channels a customer shares on themselves, through a link that opens their own app. */
export type IntentChannel = Exclude<ShareChannel, 'x_post'>;
export const INTENT_CHANNELS: readonly IntentChannel[] = ['x', 'facebook', 'linkedin', 'whatsapp', 'email', 'copy'];

export const CHANNEL_LABELS: Record<ShareChannel, string> = {
  x: 'X',
  facebook: 'Facebook',
  linkedin: 'LinkedIn',
  whatsapp: 'WhatsApp',
  email: 'Email',
  copy: 'Copy the text',
  x_post: 'Posted for you on X',
};

export interface IntentInput {
  /** The approved text, exactly as approved. */
  text: string;
  /** The share's tracked link (`PUBLIC_URL/r/<code>`), the system suffix. */
  url: string;
  /** For email: the subject line. */
  subject: string;
}

/**
 * Where each channel's button goes. Every link carries the approved text unchanged, with the share's
 * tracked link after it; Facebook takes a link only (its card shows the public page, which carries the
 * customer's words). `copy` has no link: the page offers the text to copy. No review site, ever (principle 5).
 */
export function intentUrl(channel: IntentChannel, input: IntentInput): string | null {
  const withLink = composeXStatus(input.text, input.url);
  const q = encodeURIComponent;
  switch (channel) {
    case 'x':
      return `https://x.com/intent/post?text=${q(input.text.trimEnd())}&url=${q(input.url)}`;
    case 'facebook':
      return `https://www.facebook.com/sharer/sharer.php?u=${q(input.url)}`;
    case 'linkedin':
      return `https://www.linkedin.com/feed/?shareActive=true&text=${q(withLink)}`;
    case 'whatsapp':
      return `https://wa.me/?text=${q(withLink)}`;
    case 'email':
      return `mailto:?subject=${q(input.subject)}&body=${q(withLink)}`;
    case 'copy':
      return null;
  }
}
