import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Actor } from '../common/actor';
import { validatePlain } from '../common/validation/validate-plain';
import { field, FormBody, formatDateTime, formErrors, humanise, noticeFor, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { CreateRewardOfferDto, RewardOfferView, UpdateRewardOfferDto } from './dto/reward-offer.dto';
import { readPoolUpload } from './pool-upload';
import { RewardOffersService } from './reward-offers.service';
import { RewardCodesService } from './reward-codes.service';
import { VoidCodeDto } from './dto/reward-code.dto';
import { DEFAULT_DISCLOSURE } from './reward-offer.entity';

const MANAGERS = ['admin', 'marketer'] as const;
const LABELS: Record<string, string> = {
  description: 'What the advocate gets', terms: 'Terms', expiresAt: 'Expiry', budget: 'Budget', codeSource: 'Codes',
  codePrefix: 'Code prefix', disclosure: 'Disclosure line',
};
const NOTICES: Record<string, string> = {
  saved: 'The reward offer is saved.',
  uploaded: 'The codes were added to the pool.',
  removed: 'The reward offer was removed.',
  voided: 'The code was voided.',
};

type FormValues = Record<'description' | 'terms' | 'expiresAt' | 'budget' | 'codeSource' | 'codePrefix' | 'disclosure', string>;

/** The reward offer page of a campaign (`/dashboard/campaigns/:id/reward`): see, make, change, add pool codes. */
@ApiExcludeController()
@Controller('dashboard/campaigns/:id/reward')
export class RewardsPagesController {
  constructor(
    private readonly offers: RewardOffersService,
    private readonly campaigns: CampaignsService,
    private readonly codes: RewardCodesService,
  ) {}

  @Get()
  @Roles('admin', 'marketer', 'dealer')
  async show(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    return this.render(reply, actor, id, { notice: noticeFor(notice, NOTICES) });
  }

  @Post()
  @Roles(...MANAGERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async save(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const values = formValues(body);
    const existing = await this.offers.find(actor, id);
    const check = validatePlain(existing ? UpdateRewardOfferDto : CreateRewardOfferDto, toDto(values));
    try {
      if (check.errors) return this.render(reply, actor, id, { values, errors: humanise(check.errors, LABELS) }, 400);
      if (existing) await this.offers.update(actor, id, check.value);
      else await this.offers.create(actor, id, check.value as CreateRewardOfferDto);
      return seeOther(reply, `/dashboard/campaigns/${id}/reward?notice=saved`);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.render(reply, actor, id, { values, errors: humanise(messages, LABELS) }, status);
    }
  }

  /** Multipart upload (field `file`); the CSRF token comes in the query string, checked before the body is read. */
  @Post('codes')
  @Roles(...MANAGERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async upload(@CurrentActor() actor: Actor, @Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    try {
      await this.offers.uploadPool(actor, id, await readPoolUpload(request));
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.render(reply, actor, id, { uploadErrors: messages }, status);
    }
    return seeOther(reply, `/dashboard/campaigns/${id}/reward?notice=uploaded`);
  }

  @Post('remove')
  @Roles(...MANAGERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() reply: FastifyReply) {
    try {
      await this.offers.remove(actor, id);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.render(reply, actor, id, { errors: messages }, status);
    }
    return seeOther(reply, `/dashboard/campaigns/${id}/reward?notice=removed`);
  }

  /** Voids one issued code of this campaign's offer, with a reason kept on the code (audited, as POST /api/rewards/codes/:code/void). */
  @Post('void')
  @Roles(...MANAGERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async voidCode(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    await this.campaigns.get(actor, id);
    const code = field(body, 'code');
    const voidValues = { code, reason: field(body, 'reason') };
    const check = validatePlain(VoidCodeDto, { reason: voidValues.reason });
    if (!code) return this.render(reply, actor, id, { voidErrors: ['Enter the code to void.'], voidValues }, 400);
    if (check.errors) return this.render(reply, actor, id, { voidErrors: check.errors, voidValues }, 400);
    try {
      const found = await this.codes.lookup(actor, code);
      if (found.campaignId !== id) return this.render(reply, actor, id, { voidErrors: ['No code of this campaign’s offer reads like that.'], voidValues }, 404);
      await this.codes.void(actor, code, check.value.reason);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.render(reply, actor, id, { voidErrors: status === 404 ? ['No code of this campaign’s offer reads like that.'] : messages, voidValues }, status);
    }
    return seeOther(reply, `/dashboard/campaigns/${id}/reward?notice=voided`);
  }

  private async render(reply: FastifyReply, actor: Actor, campaignId: string, data: { values?: FormValues; errors?: string[]; uploadErrors?: string[]; notice?: string; voidErrors?: string[]; voidValues?: { code: string; reason: string } }, status = 200) {
    const campaign = await this.campaigns.get(actor, campaignId);
    const offer = await this.offers.find(actor, campaignId);
    const view = offer ? await this.offers.view(offer) : null;
    const report = offer ? await this.offers.report(actor, campaignId) : null;
    const values = data.values ?? valuesOf(view);
    const editable = actor.role !== 'dealer' && campaign.status !== 'ended';
    const context = staffContext(reply, actor, { title: `Reward offer · ${campaign.name}`, section: 'campaigns' }, {
      ...data,
      campaign,
      offer: view,
      report,
      facts: view && [
        { label: 'What the advocate gets', value: view.description },
        { label: 'Terms', value: view.terms || 'none' },
        { label: 'Expiry', value: view.expiresAt ? formatDateTime(view.expiresAt) : 'none' },
        { label: 'Budget', value: `${view.budget} codes: ${view.issued} issued, ${view.remaining} can still be issued` },
        { label: 'Codes', value: view.codeSource === 'pool' ? `from an uploaded pool (${view.poolAvailable} not issued yet)` : `generated${view.codePrefix ? `, starting ${view.codePrefix}-` : ''}` },
        { label: 'Disclosure line', value: view.disclosureText },
      ],
      values,
      pool: values.codeSource === 'pool',
      canEdit: editable,
      canUpload: editable && view?.codeSource === 'pool',
      canRemove: editable && view !== null && !view.locked,
      canVoid: actor.role !== 'dealer' && view !== null && view.issued > 0,
      // Void reasons are staff notes that may be about the customer: for those who may void, not for dealers.
      voided: offer && actor.role !== 'dealer' ? (await this.codes.recentlyVoided(offer.id)).map((v) => ({ ...v, voidedAt: v.voidedAt ? formatDateTime(v.voidedAt) : '' })) : [],
      defaultDisclosure: DEFAULT_DISCLOSURE,
    });
    return renderPage(reply, 'pages/staff/reward-offer.hbs', context, status);
  }
}

function formValues(body: FormBody): FormValues {
  return {
    description: field(body, 'description'),
    terms: field(body, 'terms'),
    expiresAt: field(body, 'expiresAt'),
    budget: field(body, 'budget'),
    codeSource: field(body, 'codeSource'),
    codePrefix: field(body, 'codePrefix'),
    disclosure: field(body, 'disclosure'),
  };
}

function toDto(values: FormValues): Record<string, unknown> {
  return {
    description: values.description,
    terms: values.terms,
    // datetime-local has no zone: the form says UTC.
    expiresAt: values.expiresAt ? (/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(values.expiresAt) ? `${values.expiresAt}:00Z` : values.expiresAt) : null,
    budget: /^\d+$/.test(values.budget) ? Number(values.budget) : values.budget,
    codeSource: values.codeSource,
    codePrefix: values.codeSource === 'pool' ? null : values.codePrefix || null,
    disclosure: values.disclosure || DEFAULT_DISCLOSURE,
  };
}

function valuesOf(view: RewardOfferView | null): FormValues {
  if (!view) return { description: '', terms: '', expiresAt: '', budget: '100', codeSource: 'generated', codePrefix: '', disclosure: DEFAULT_DISCLOSURE };
  return {
    description: view.description,
    terms: view.terms,
    expiresAt: view.expiresAt ? view.expiresAt.slice(0, 16) : '',
    budget: String(view.budget),
    codeSource: view.codeSource,
    codePrefix: view.codePrefix ?? '',
    disclosure: view.disclosure,
  };
}
