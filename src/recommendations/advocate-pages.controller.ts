import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/decorators/auth.decorators';
import { IpThrottle } from '../common/http/ip-throttle.guard';
import { AppConfig } from '../config/app-config';
import { InvitationLanding, LandingView } from '../invitations/invitation-landing.service';
import { privatePage, renderInvalidLink } from '../preferences/link-pages';
import { OfferForAdvocate } from '../rewards/rewards.service';
import { CHANNEL_LABELS, INTENT_CHANNELS, IntentChannel } from '../sharing/intent-links';
import { field, fieldList, FormBody, formErrors, noticeFor, renderPage, seeOther } from '../web/pages';
import { ApproveRecommendation, Draft, DraftPreview } from './approve-recommendation.use-case';
import { PostToXForCustomer } from './post-to-x-for-customer.use-case';
import { authorNameOf, MAX_TEXT_LENGTH } from './recommendation-text';
import { RecommendationsRepository } from './recommendations.repository';
import { SharePage } from './share-page.service';

const NOTICES: Record<string, string> = {
  approved: 'Thank you! Your recommendation is approved. Share it wherever you like.',
  queued: 'Thanks! We will post it on X for you in a moment; this page shows when it is done.',
  connected: 'Your X account is connected. Choose “Post it on X now” to post your recommendation.',
  failed: 'We could not connect to your X account. You can try again, or share with the links below.',
};

/** Customer pages per visitor address and minute: generous for a person, tight for a script. */
export const ADVOCATE_REQUESTS_PER_MINUTE = 120;

/** What a "Send a test" preview answers when asked to approve: it shows the page, it never acts. */
const TEST_ONLY = 'This is a test invitation: nothing can be approved or shared from it.';

/**
 * The customer's page (`/i/:token`): write (starting from their own feedback comment) → preview per channel →
 * approve → share. Every step is a plain form post (CSRF-protected) that works without JavaScript; the
 * script only adds a live X counter and a copy button.
 */
@ApiExcludeController()
@Controller('i/:token')
@Public()
@UseGuards(IpThrottle('advocate-pages', ADVOCATE_REQUESTS_PER_MINUTE))
export class AdvocatePagesController {
  constructor(
    private readonly landing: InvitationLanding,
    private readonly recommendations: RecommendationsRepository,
    private readonly approve: ApproveRecommendation,
    private readonly sharePage: SharePage,
    private readonly postToX: PostToXForCustomer,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async open(@Param('token') token: string, @Query() query: Record<string, unknown>, @Res() reply: FastifyReply) {
    const view = await this.landing.open(token);
    if (!view) return renderInvalidLink(reply, 'invitation');
    privatePage(reply);
    const recommendation = await this.recommendations.findByInvitation(view.invitationId);
    if (recommendation) {
      const share = await this.sharePage.build(view, recommendation);
      const notice = noticeFor(query.x, NOTICES) ?? noticeFor(query.notice, NOTICES);
      return renderPage(reply, 'pages/advocate/share.hbs', { title: 'Share your recommendation', token, view, share, notice, csrfToken: reply.generateCsrf(), script: true });
    }
    if (query.step === 'later') return renderPage(reply, 'pages/advocate/later.hbs', { title: 'Maybe later', token, view });
    // The reward box starts unticked (opt-in, principle 4), whatever was chosen before.
    const draft: Draft = { text: view.comment ?? '', channels: offered(view), rewardAccepted: false };
    return this.write(reply, token, view, draft);
  }

  /** Write → preview; "Change it" on the preview comes back here with `edit`. */
  @Post('preview')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async preview(@Param('token') token: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const view = await this.landing.open(token);
    if (!view) return renderInvalidLink(reply, 'invitation');
    privatePage(reply);
    if (await this.recommendations.findByInvitation(view.invitationId)) return seeOther(reply, `/i/${encodeURIComponent(token)}`);
    const preview = await this.approve.preview(view, draftOf(view, body));
    if (field(body, 'edit') || preview.problems.length > 0) {
      return this.write(reply, token, view, preview.draft, field(body, 'edit') ? [] : preview.problems, field(body, 'edit') ? 200 : 400);
    }
    return this.renderPreview(reply, token, view, preview);
  }

  @Post('approve')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async approveDraft(@Param('token') token: string, @Body() body: FormBody, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const view = await this.landing.open(token);
    if (!view) return renderInvalidLink(reply, 'invitation');
    privatePage(reply);
    const draft = draftOf(view, body);
    if (view.test) {
      return this.renderPreview(reply, token, view, await this.approve.preview(view, draft), [TEST_ONLY], 403);
    }
    try {
      await this.approve.execute(view, {
        ...draft,
        confirmed: field(body, 'confirm') === 'yes',
        ip: request.ip ?? null,
        userAgent: request.headers['user-agent'] ?? null,
      });
    } catch (error) {
      // 400: something to fix; 409: the gifts ran out (the preview then shows the text without them).
      const { status, messages } = formErrors(error);
      return this.renderPreview(reply, token, view, await this.approve.preview(view, draft), messages, status);
    }
    return seeOther(reply, `/i/${encodeURIComponent(token)}?notice=approved`);
  }

  /** "Post it for me on X": connect first if needed (X sends the customer back here), else queue the post. */
  @Post('x')
  @RouteConfig({ csrf: true })
  async postOnX(@Param('token') token: string, @Res() reply: FastifyReply) {
    const view = await this.landing.open(token);
    if (!view || view.test) return renderInvalidLink(reply, 'invitation');
    const here = `/i/${encodeURIComponent(token)}`;
    const step = await this.postToX.execute(view, here);
    return seeOther(reply, step.next === 'connect' ? step.url : `${here}?x=queued`);
  }

  private async write(reply: FastifyReply, token: string, view: LandingView, draft: Draft, errors: string[] = [], status = 200) {
    return renderPage(reply, 'pages/advocate/write.hbs', {
      title: `Your good word for ${view.locationName}`,
      token,
      view,
      draft,
      errors,
      maxLength: MAX_TEXT_LENGTH,
      channels: offered(view).map((channel) => ({ channel, label: CHANNEL_LABELS[channel], checked: draft.channels.includes(channel) })),
      reward: rewardOf(await this.approve.offerFor(view)),
      csrfToken: reply.generateCsrf(),
      script: true,
    }, status);
  }

  private renderPreview(reply: FastifyReply, token: string, view: LandingView, preview: DraftPreview, errors: string[] = [], status = 200) {
    return renderPage(reply, 'pages/advocate/preview.hbs', {
      title: 'Check your recommendation',
      token,
      view,
      preview,
      errors,
      // The share's own link is made on approval; its form is shown where it will go.
      linkSuffix: `${this.config.publicUrl}/r/…`,
      previews: previewsOf(preview.draft.channels),
      author: authorNameOf(view.name) ?? 'A customer',
      csrfToken: reply.generateCsrf(),
    }, status);
  }
}

/**
 * One preview per way the words will look: X (counted), Facebook (a card), and the channels that carry the
 * text and link as they are (LinkedIn, WhatsApp, email, copy) together, so a phone shows it once, not four times.
 */
function previewsOf(channels: IntentChannel[]): { label: string; kind: 'x' | 'facebook' | 'text' }[] {
  const plain = channels.filter((c) => c !== 'x' && c !== 'facebook').map((c) => (c === 'copy' ? 'copied text' : CHANNEL_LABELS[c]));
  return [
    ...(channels.includes('x') ? [{ label: CHANNEL_LABELS.x, kind: 'x' as const }] : []),
    ...(channels.includes('facebook') ? [{ label: CHANNEL_LABELS.facebook, kind: 'facebook' as const }] : []),
    ...(plain.length ? [{ label: listOf(plain), kind: 'text' as const }] : []),
  ];
}

/** "A", "A and B", "A, B and C". */
function listOf(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The intent channels the campaign offers, in a stable order. */
function offered(view: LandingView): IntentChannel[] {
  return INTENT_CHANNELS.filter((c) => view.channels.includes(c));
}

function draftOf(view: LandingView, body: FormBody): Draft {
  const allowed = offered(view);
  return {
    text: field(body, 'text').slice(0, MAX_TEXT_LENGTH * 4),
    channels: allowed.filter((c) => fieldList(body, 'channels').includes(c)),
    rewardAccepted: field(body, 'reward') === 'yes',
  };
}

/** What the write step offers: nothing when there is no offer for this customer or no code is left. */
function rewardOf(offer: OfferForAdvocate | null): { description: string; terms: string; expires: string; disclosure: string } | null {
  if (!offer?.available) return null;
  return {
    description: offer.description,
    terms: offer.terms,
    expires: offer.expiresAt ? new Date(offer.expiresAt).toISOString().slice(0, 10) : '',
    disclosure: offer.disclosure,
  };
}
