import { Controller, Get, Param, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { errorPage } from '../common/http/error-page';
import { Public } from '../auth/decorators/auth.decorators';
import { IpThrottle } from '../common/http/ip-throttle.guard';
import { AppConfig } from '../config/app-config';
import { renderPage } from '../web/pages';
import { CARD_HEIGHT, CARD_WIDTH, QuoteCards } from './quote-card';
import { RecommendationsService } from './recommendations.service';

/** Cards and search engines may cache a public page briefly; a withdrawal shows within minutes. */
const PUBLIC_CACHE = 'public, max-age=300';

/**
 * Public pages: `/p/:id`, one approved recommendation (first name and initial only), with the Open Graph and
 * Twitter Card tags that make a shared link unfurl as the customer's words; `/l/:code`, the location's page
 * for every visitor, the only place with its review link (principle 5).
 */
@ApiExcludeController()
@Controller()
@Public()
@UseGuards(IpThrottle('public-pages', 600))
export class PublicPagesController {
  constructor(
    private readonly recommendations: RecommendationsService,
    private readonly config: AppConfig,
    private readonly cards: QuoteCards,
  ) {}

  @Get('p/:id')
  async recommendation(@Param('id') id: string, @Res() reply: FastifyReply) {
    const found = await this.recommendations.publicView(id);
    if (found.state === 'missing') return renderPage(reply, 'pages/error.hbs', errorPage(404, 'We could not find that recommendation.'), 404);
    if (found.state === 'gone') {
      reply.header('Cache-Control', 'no-store');
      return renderPage(reply, 'pages/public/gone.hbs', { title: errorPage(410).title }, 410);
    }
    const { recommendation, location } = found;
    const author = recommendation.authorName ?? 'A customer';
    const title = `${author} recommends ${location.name}`;
    const url = `${this.config.publicUrl}/p/${recommendation.id}`;
    const description = oneLine(recommendation.text);
    const image = `${url}/card.png`;
    reply.header('Cache-Control', PUBLIC_CACHE);
    return renderPage(reply, 'pages/public/recommendation.hbs', {
      title,
      author,
      recommendation,
      location,
      locationPath: `/l/${encodeURIComponent(location.code)}`,
      meta: [
        { property: 'og:type', content: 'article' },
        { property: 'og:title', content: title },
        { property: 'og:description', content: description },
        { property: 'og:url', content: url },
        { property: 'og:image', content: image },
        { property: 'og:image:type', content: 'image/png' },
        { property: 'og:image:width', content: String(CARD_WIDTH) },
        { property: 'og:image:height', content: String(CARD_HEIGHT) },
        { property: 'og:image:alt', content: `${title}: “${description}”` },
        { name: 'twitter:card', content: 'summary_large_image' },
        { name: 'twitter:title', content: title },
        { name: 'twitter:description', content: description },
        { name: 'twitter:image', content: image },
        { name: 'twitter:image:alt', content: `${title}: “${description}”` },
        { name: 'description', content: description },
      ],
    });
  }

  /** The link-preview image: drawn once per recommendation; gone (410) with the recommendation, and its file removed. */
  @Get('p/:id/card.png')
  async card(@Param('id') id: string, @Res() reply: FastifyReply) {
    const found = await this.recommendations.publicView(id);
    if (found.state !== 'public') {
      if (found.state === 'gone') this.cards.forget(id);
      reply.header('Cache-Control', 'no-store');
      return reply.status(found.state === 'gone' ? 410 : 404).type('text/plain; charset=utf-8').send(found.state === 'gone' ? 'Gone\n' : 'Not found\n');
    }
    const { recommendation, location } = found;
    const png = this.cards.png({ id: recommendation.id, text: recommendation.text, author: recommendation.authorName ?? 'A customer', locationName: location.name });
    reply.header('Cache-Control', PUBLIC_CACHE);
    return reply.type('image/png').send(png);
  }

  @Get('l/:code')
  async location(@Param('code') code: string, @Res() reply: FastifyReply) {
    const page = await this.recommendations.locationPage(code);
    if (!page) return renderPage(reply, 'pages/error.hbs', errorPage(404, 'We could not find that place.'), 404);
    reply.header('Cache-Control', PUBLIC_CACHE);
    const { location, recommendations } = page;
    return renderPage(reply, 'pages/public/location.hbs', {
      title: location.name,
      location,
      recommendations: recommendations.map((r) => ({ ...r, author: r.authorName ?? 'A customer' })),
      meta: [
        { property: 'og:type', content: 'website' },
        { property: 'og:title', content: location.name },
        { property: 'og:url', content: `${this.config.publicUrl}/l/${encodeURIComponent(location.code)}` },
      ],
    });
  }
}

/** Card descriptions are one line (and Handlebars would indent a multi-line value inside an indented partial). */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
