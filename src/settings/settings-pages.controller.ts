import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { field, FormBody, formErrors, humanise, noticeFor, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { SETTING_LIMITS, Settings } from './settings';
import { SettingsService } from './settings.service';

const LABELS: Record<keyof Settings, string> = {
  brandName: 'Brand name',
  brandPostalAddress: 'Postal address',
  frequencyCap: 'Frequency cap',
  alertWindowDays: 'Alert window (days)',
  dataRetentionDays: 'Data retention (days)',
  rawClickRetentionDays: 'Raw click retention (days)',
};
const TEXT_FIELDS = ['brandName', 'brandPostalAddress'] as const;
const NUMBER_FIELDS = ['frequencyCap', 'alertWindowDays', 'dataRetentionDays', 'rawClickRetentionDays'] as const;
const NOTICES: Record<string, string> = { saved: 'Settings saved.' };

/** Settings page: admins change, marketers read. Validation and audit are SettingsService's. */
@ApiExcludeController()
@Controller('dashboard/settings')
export class SettingsPagesController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @Roles('admin', 'marketer')
  async show(@CurrentActor() actor: Actor, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    return this.render(reply, actor, { ...(await this.settings.get()) }, { notice: noticeFor(notice, NOTICES) });
  }

  @Post()
  @Roles('admin')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async update(@CurrentActor() actor: Actor, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const patch: Record<string, string | number> = {};
    for (const name of TEXT_FIELDS) patch[name] = field(body, name);
    // Whole numbers go to the service as numbers; anything else as typed, for the service to refuse.
    for (const name of NUMBER_FIELDS) patch[name] = /^-?\d{1,9}$/.test(field(body, name)) ? Number(field(body, name)) : field(body, name);
    try {
      await this.settings.update(actor, patch as Partial<Settings>);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.render(reply, actor, patch, { errors: humanise(messages, LABELS) }, status);
    }
    return seeOther(reply, '/dashboard/settings?notice=saved');
  }

  private render(reply: FastifyReply, actor: Actor, values: object, data: object, status = 200) {
    const context = staffContext(reply, actor, { title: 'Settings', section: 'settings' }, {
      ...data,
      values,
      labels: LABELS,
      limits: SETTING_LIMITS,
      readOnly: actor.role !== 'admin',
    });
    return renderPage(reply, 'pages/staff/settings.hbs', context, status);
  }
}
