import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { validatePlain } from '../common/validation/validate-plain';
import { UpdateThemeDto } from './dto/insights.dto';
import { field, FormBody, formErrors, noticeFor, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { ThemesService } from './themes.service';
import { THEME_LANGUAGES } from './themes/text';

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', es: 'Spanish', fr: 'French' };

/** The brand's themes: admins and marketers edit their words per language, or turn one off. */
@ApiExcludeController()
@Controller('dashboard/themes')
export class ThemesPagesController {
  constructor(private readonly themes: ThemesService) {}

  @Get()
  @Roles('admin', 'marketer')
  async list(@CurrentActor() actor: Actor, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    return this.render(reply, actor, { notice: noticeFor(notice, { saved: 'Theme saved.' }) });
  }

  @Post(':key')
  @Roles('admin', 'marketer')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async update(@CurrentActor() actor: Actor, @Param('key') key: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const terms = Object.fromEntries(
      THEME_LANGUAGES.map((l) => [l, field(body, `terms_${l}`).split(/[\n,]/).map((t) => t.trim()).filter(Boolean)]),
    );
    const check = validatePlain(UpdateThemeDto, { label: field(body, 'label') || undefined, enabled: field(body, 'enabled') === 'on', terms });
    if (check.errors) return this.render(reply, actor, { errors: check.errors }, 400);
    try {
      await this.themes.update(actor, key, check.value);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.render(reply, actor, { errors: messages }, status);
    }
    return seeOther(reply, `/dashboard/themes?notice=saved#theme-${encodeURIComponent(key)}`);
  }

  private async render(reply: FastifyReply, actor: Actor, extra: { notice?: string; errors?: string[] }, status = 200) {
    const themes = (await this.themes.list()).map((t) => ({
      ...t,
      languages: THEME_LANGUAGES.map((l) => ({ code: l, name: LANGUAGE_NAMES[l], text: (t.terms[l] ?? []).join('\n') })),
    }));
    const context = staffContext(reply, actor, { title: 'Themes', section: 'settings' }, { themes, ...extra });
    return renderPage(reply, 'pages/staff/themes.hbs', context, status);
  }
}
