import { Body, Controller, Get, HttpCode, HttpException, Param, Post, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { validatePlain } from '../common/validation/validate-plain';
import { formatInZone, localFieldToUtc, utcToLocalField } from '../common/time/zones';
import { field, fieldList, FormBody, formatDateTime, formErrors, humanise, noticeFor, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { CampaignFunnel } from './campaign-funnel';
import { Campaign, CHANNELS } from './campaign.entity';
import { CampaignView } from './campaign.view';
import { CampaignsService } from './campaigns.service';
import { DryRunCampaign } from './dry-run-campaign';
import { CreateCampaignDto, UpdateCampaignDto } from './dto/campaign.dto';
import { EXCLUSION_REASONS } from './eligibility.read-model';
import { LaunchCampaign } from './launch-campaign';
import { TestSendCampaign } from './test-send-campaign';

const MANAGERS = ['admin', 'marketer'] as const;
const LABELS: Record<string, string> = {
  name: 'Name',
  locations: 'Locations',
  minScore: 'Minimum score',
  lookBackDays: 'Look-back (days)',
  channels: 'Channels',
  prompt: 'Prompt',
  promptOverrides: 'Prompts per location',
  startsAt: 'Start',
  endsAt: 'End',
  sendingHours: 'Sending hours',
  reminderAfterDays: 'Reminder after (days)',
};
const CHANNEL_LABELS: Record<string, string> = { x: 'X', facebook: 'Facebook', linkedin: 'LinkedIn', whatsapp: 'WhatsApp', email: 'Email', copy: 'Copy text' };
const REASON_LABELS: Record<string, string> = {
  noEmail: 'No email address',
  noConsent: 'No marketing consent',
  suppressed: 'Opted out (suppressed)',
  overCap: 'Over the message cap',
  alreadyInvited: 'Already invited',
  outsideWindow: 'Outside the look-back window',
};
const NOTICES: Record<string, string> = {
  created: 'Campaign created as a draft. Run a dry run, send yourself a test, then launch it.',
  updated: 'Campaign saved.',
  launched: 'Campaign launched: invitations are on their way, within each location’s sending hours.',
  paused: 'Campaign paused: nothing more is sent until you resume it.',
  resumed: 'Campaign resumed.',
  ended: 'Campaign ended. Messages not sent yet were cancelled.',
  'test-sent': 'Test invitation sent.',
};
const STATUS_LABELS: Record<string, string> = { draft: 'Draft', running: 'Running', paused: 'Paused', ended: 'Ended' };

type FormValues = Record<string, string | string[] | boolean>;

/** Campaign pages: admins and marketers manage; dealers read campaigns that include their locations. */
@ApiExcludeController()
@Controller('dashboard/campaigns')
export class CampaignsPagesController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly launcher: LaunchCampaign,
    private readonly dryRun: DryRunCampaign,
    private readonly funnel: CampaignFunnel,
    private readonly testSend: TestSendCampaign,
  ) {}

  @Get()
  @Roles('admin', 'marketer', 'dealer')
  async list(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const views = await this.campaigns.views(await this.campaigns.list(actor), actor);
    const context = staffContext(reply, actor, { title: 'Campaigns', section: 'campaigns' }, {
      campaigns: views.map((v) => ({ ...v, statusLabel: STATUS_LABELS[v.status], locationsText: locationsText(v), createdText: formatDateTime(v.createdAt) })),
      canEdit: mayEdit(actor),
    });
    return renderPage(reply, 'pages/staff/campaigns.hbs', context);
  }

  @Get('new')
  @Roles(...MANAGERS)
  async newForm(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    return this.renderForm(reply, actor, null, {
      name: '', locationsMode: 'all', locations: [], minScore: '9', lookBackDays: '90', channels: [...CHANNELS],
      prompt: 'What would you tell a friend about your visit?', promptOverrides: '', startsAt: '', endsAt: '',
      sendingFrom: '9', sendingTo: '19', reminderAfterDays: '',
    });
  }

  @Post()
  @Roles(...MANAGERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const values = formValues(body);
    const check = validatePlain(CreateCampaignDto, toDto(values, false, await this.zoneOf(values)));
    try {
      if (check.errors) return this.renderForm(reply, actor, null, values, humanise(check.errors, LABELS), 400);
      const campaign = await this.campaigns.create(actor, check.value);
      return seeOther(reply, `/dashboard/campaigns/${campaign.id}?notice=created`);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.renderForm(reply, actor, null, values, humanise(messages, LABELS), status);
    }
  }

  @Get(':id')
  @Roles('admin', 'marketer', 'dealer')
  async show(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    return this.renderDetail(reply, actor, await this.campaigns.get(actor, id), { notice: noticeFor(notice, NOTICES) });
  }

  @Get(':id/edit')
  @Roles(...MANAGERS)
  async editForm(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() reply: FastifyReply) {
    const campaign = await this.campaigns.get(actor, id);
    const view = await this.campaigns.view(campaign, actor);
    return this.renderForm(reply, actor, campaign, valuesOf(view, await this.zoneOf(valuesOf(view, 'UTC'))));
  }

  @Post(':id')
  @Roles(...MANAGERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const campaign = await this.campaigns.get(actor, id);
    const values = formValues(body);
    const check = validatePlain(UpdateCampaignDto, toDto(values, true, await this.zoneOf(values)));
    try {
      if (check.errors) return this.renderForm(reply, actor, campaign, values, humanise(check.errors, LABELS), 400);
      await this.campaigns.update(actor, id, check.value);
      return seeOther(reply, `/dashboard/campaigns/${id}?notice=updated`);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.renderForm(reply, actor, campaign, values, humanise(messages, LABELS), status);
    }
  }

  @Get(':id/dry-run')
  @Roles(...MANAGERS)
  async dryRunPage(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() reply: FastifyReply) {
    const campaign = await this.campaigns.get(actor, id);
    const report = await this.dryRun.execute(actor, id);
    const context = staffContext(reply, actor, { title: `Dry run: ${campaign.name}`, section: 'campaigns' }, {
      campaign,
      report,
      atText: formatDateTime(report.at),
      reasons: EXCLUSION_REASONS.map((key) => ({ key, label: REASON_LABELS[key], total: report.totals[key] })),
      rows: report.locations.map((l) => ({ ...l, excluded: EXCLUSION_REASONS.map((key) => l[key]) })),
    });
    return renderPage(reply, 'pages/staff/campaign-dry-run.hbs', context);
  }

  @Post(':id/launch')
  @Roles(...MANAGERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async launch(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    if (field(body, 'confirm') !== 'yes') {
      const campaign = await this.campaigns.get(actor, id);
      const invite = (await this.dryRun.execute(actor, id)).totals.invite;
      return this.confirm(reply, actor, campaign, {
        action: 'launch',
        heading: `Launch “${campaign.name}”?`,
        lines: [
          invite === 1 ? '1 customer will be emailed an invitation now' : `${invite.toLocaleString('en-US')} customers will be emailed an invitation now`,
          'within each location’s sending hours; customers who become eligible while it runs are invited too. Invitations can’t be called back once sent.',
        ],
        button: invite === 1 ? 'Launch and email 1 customer' : `Launch and email ${invite.toLocaleString('en-US')} customers`,
      });
    }
    return this.act(reply, actor, id, 'launched', () => this.launcher.execute(actor, id));
  }

  @Post(':id/pause')
  @Roles(...MANAGERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  pause(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() reply: FastifyReply) {
    return this.act(reply, actor, id, 'paused', () => this.campaigns.pause(actor, id));
  }

  @Post(':id/resume')
  @Roles(...MANAGERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  resume(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() reply: FastifyReply) {
    return this.act(reply, actor, id, 'resumed', () => this.campaigns.resume(actor, id));
  }

  @Post(':id/end')
  @Roles(...MANAGERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async end(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    if (field(body, 'confirm') !== 'yes') {
      const campaign = await this.campaigns.get(actor, id);
      return this.confirm(reply, actor, campaign, {
        action: 'end',
        heading: `End “${campaign.name}”?`,
        lines: ['No more invitations or reminders are sent; invitations not yet sent are cancelled.', 'Links already sent keep working, and recommendations stay. An ended campaign can’t be started again.'],
        button: 'End campaign',
      });
    }
    return this.act(reply, actor, id, 'ended', () => this.campaigns.end(actor, id));
  }

  @Post(':id/test-send')
  @Roles(...MANAGERS)
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async testSendTo(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    try {
      await this.testSend.execute(actor, id, field(body, 'email') || undefined);
    } catch (error) {
      return this.refuse(reply, actor, id, error);
    }
    return seeOther(reply, `/dashboard/campaigns/${id}?notice=test-sent`);
  }

  /** The second step of an action that can't be undone: what it will do, and a button that does it (CSRF, no script needed). */
  private confirm(reply: FastifyReply, actor: Actor, campaign: Campaign, step: { action: string; heading: string; lines: string[]; button: string }) {
    const context = staffContext(reply, actor, { title: step.heading, section: 'campaigns' }, { campaign, ...step });
    return renderPage(reply, 'pages/staff/campaign-confirm.hbs', context);
  }

  private async act(reply: FastifyReply, actor: Actor, id: string, notice: string, action: () => Promise<unknown>) {
    try {
      await action();
    } catch (error) {
      return this.refuse(reply, actor, id, error);
    }
    return seeOther(reply, `/dashboard/campaigns/${id}?notice=${notice}`);
  }

  /** A refused action (409 wrong state, 400 bad address) is shown on the campaign page; anything else goes to the error page. */
  private async refuse(reply: FastifyReply, actor: Actor, id: string, error: unknown) {
    if (!(error instanceof HttpException) || ![400, 409].includes(error.getStatus())) throw error;
    const { status, messages } = formErrors(error);
    return this.renderDetail(reply, actor, await this.campaigns.get(actor, id), { errors: messages }, status);
  }

  private async renderDetail(reply: FastifyReply, actor: Actor, campaign: Campaign, data: object, status = 200) {
    const view = await this.campaigns.view(campaign, actor);
    const funnel = await this.funnel.execute(actor, campaign.id);
    const editable = mayEdit(actor);
    const context = staffContext(reply, actor, { title: campaign.name, section: 'campaigns' }, {
      ...data,
      campaign: view,
      statusLabel: STATUS_LABELS[view.status],
      facts: [
        { label: 'Status', value: STATUS_LABELS[view.status] },
        { label: 'Locations', value: locationsText(view) },
        { label: 'Minimum score', value: String(view.minScore) },
        { label: 'Look-back', value: `${view.lookBackDays} days since the latest response` },
        { label: 'Channels', value: view.channels.map((c) => CHANNEL_LABELS[c]).join(', ') },
        { label: 'Prompt', value: view.prompt },
        ...Object.entries(view.promptOverrides).map(([code, prompt]) => ({ label: `Prompt at ${code}`, value: prompt })),
        { label: 'Schedule', value: scheduleText(view, await this.zoneOf(valuesOf(view, 'UTC'))) },
        { label: 'Sending hours', value: `${pad(view.sendingHours.from)}:00–${pad(view.sendingHours.to)}:00 in each location’s time zone` },
        { label: 'Reminder', value: view.reminderAfterDays ? `after ${view.reminderAfterDays} days, to those who did not open` : 'none' },
      ],
      funnel,
      funnelAt: formatDateTime(funnel.at),
      canEdit: editable && view.status !== 'ended',
      canLaunch: editable && view.status === 'draft',
      canPause: editable && view.status === 'running',
      canResume: editable && view.status === 'paused',
      canEnd: editable && (view.status === 'running' || view.status === 'paused'),
      canTest: editable,
    });
    return renderPage(reply, 'pages/staff/campaign.hbs', context, status);
  }

  /**
   * The time zone a campaign's start and end are entered and shown in: its locations' zone when they share one
   * (the form is filled in by people who think in that zone), otherwise UTC, said next to the field.
   */
  private async zoneOf(values: FormValues): Promise<string> {
    const index = await this.campaigns.locations();
    const codes = new Set(values.locations as string[]);
    const chosen = values.locationsMode === 'some' ? index.all.filter((l) => codes.has(l.code)) : index.all;
    const zones = new Set(chosen.map((l) => l.timezone));
    return zones.size === 1 ? [...zones][0] : MIXED_ZONES_FALLBACK;
  }

  private async renderForm(reply: FastifyReply, actor: Actor, campaign: Campaign | null, values: FormValues, errors?: string[], status = 200) {
    const index = await this.campaigns.locations();
    const chosen = new Set(values.locations as string[]);
    const channels = new Set(values.channels as string[]);
    const zone = await this.zoneOf(values);
    const context = staffContext(reply, actor, { title: campaign ? `Edit ${campaign.name}` : 'New campaign', section: 'campaigns' }, {
      campaign,
      zone,
      mixedZones: zone === MIXED_ZONES_FALLBACK && new Set(index.all.map((l) => l.timezone)).size > 1,
      action: campaign ? `/dashboard/campaigns/${campaign.id}` : '/dashboard/campaigns',
      values,
      allLocations: values.locationsMode !== 'some',
      locationOptions: index.all.map((l) => ({ code: l.code, name: l.name, checked: chosen.has(l.code) })),
      channelOptions: CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c], checked: channels.has(c) })),
      minScore10: values.minScore === '10',
      errors,
    });
    return renderPage(reply, 'pages/staff/campaign-form.hbs', context, status);
  }
}

function mayEdit(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'marketer';
}

/** "Starts when launched; runs until ended", or the dates as set (and as they happened). */
export function scheduleText(view: Pick<CampaignView, 'startsAt' | 'endsAt' | 'launchedAt' | 'endedAt'>, zone = 'UTC'): string {
  const at = (d: Date) => formatInZone(new Date(d), zone);
  const start = view.startsAt ? `Starts ${at(view.startsAt)}` : view.launchedAt ? `Started at launch, ${at(view.launchedAt)}` : 'Starts when launched';
  const end = view.endedAt ? `ended ${at(view.endedAt)}` : view.endsAt ? `ends ${at(view.endsAt)}` : 'runs until ended';
  return `${start}; ${end}`;
}

function pad(hour: number): string {
  return String(hour).padStart(2, '0');
}

function locationsText(view: CampaignView): string {
  return view.locations === 'all' ? 'All locations' : view.locations.join(', ');
}

function formValues(body: FormBody): FormValues {
  return {
    name: field(body, 'name'),
    locationsMode: field(body, 'locationsMode') === 'some' ? 'some' : 'all',
    locations: fieldList(body, 'locations'),
    minScore: field(body, 'minScore'),
    lookBackDays: field(body, 'lookBackDays'),
    channels: fieldList(body, 'channels'),
    prompt: field(body, 'prompt'),
    promptOverrides: typeof body.promptOverrides === 'string' ? body.promptOverrides : '',
    startsAt: field(body, 'startsAt'),
    endsAt: field(body, 'endsAt'),
    sendingFrom: field(body, 'sendingFrom'),
    sendingTo: field(body, 'sendingTo'),
    reminderAfterDays: field(body, 'reminderAfterDays'),
  };
}

/** Locations in several zones: start and end are entered in UTC (the form says so). */
const MIXED_ZONES_FALLBACK = 'UTC';

const int = (text: unknown) => (typeof text === 'string' && /^-?\d{1,6}$/.test(text) ? Number(text) : text);
/** `2026-12-01T09:00` from a datetime-local input, read in the campaign's zone (shown next to the field). */
const instant = (text: unknown, zone: string) => (typeof text === 'string' && text ? (localFieldToUtc(text, zone)?.toISOString() ?? text) : null);

/** The form as the API's DTO; on edit an emptied optional field is cleared (null). */
function toDto(values: FormValues, editing: boolean, zone: string): Record<string, unknown> {
  const overrides: Record<string, string> = {};
  for (const line of String(values.promptOverrides).split(/\r?\n/)) {
    const match = /^\s*([A-Za-z0-9_-]+)\s*:\s*(.+?)\s*$/.exec(line);
    if (match) overrides[match[1].toUpperCase()] = match[2];
  }
  const dto: Record<string, unknown> = {
    name: values.name,
    locations: values.locationsMode === 'some' ? values.locations : 'all',
    minScore: int(values.minScore),
    lookBackDays: int(values.lookBackDays),
    channels: values.channels,
    prompt: values.prompt,
    promptOverrides: Object.keys(overrides).length ? overrides : null,
    startsAt: instant(values.startsAt, zone),
    endsAt: instant(values.endsAt, zone),
    sendingHours: { from: int(values.sendingFrom), to: int(values.sendingTo) },
    reminderAfterDays: values.reminderAfterDays === '' ? null : int(values.reminderAfterDays),
  };
  if (!editing) for (const key of ['promptOverrides', 'startsAt', 'endsAt', 'reminderAfterDays']) if (dto[key] === null) delete dto[key];
  return dto;
}

function valuesOf(view: CampaignView, zone: string): FormValues {
  const local = (d: Date | null) => (d ? utcToLocalField(new Date(d), zone) : '');
  return {
    name: view.name,
    locationsMode: view.locations === 'all' ? 'all' : 'some',
    locations: view.locations === 'all' ? [] : view.locations,
    minScore: String(view.minScore),
    lookBackDays: String(view.lookBackDays),
    channels: view.channels,
    prompt: view.prompt,
    promptOverrides: Object.entries(view.promptOverrides).map(([code, prompt]) => `${code}: ${prompt}`).join('\n'),
    startsAt: local(view.startsAt),
    endsAt: local(view.endsAt),
    sendingFrom: String(view.sendingHours.from),
    sendingTo: String(view.sendingHours.to),
    reminderAfterDays: view.reminderAfterDays === null ? '' : String(view.reminderAfterDays),
  };
}

