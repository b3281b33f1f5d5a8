import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { field, FormBody, formatDateTime, formErrors, humanise, noticeFor, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { ApiKeysService } from './api-keys.service';

const NOTICES: Record<string, string> = { revoked: 'API key revoked: it stops working at once.' };

/** API key pages (admins only). A new key is shown once, on the page that answers the form. */
@ApiExcludeController()
@Controller('dashboard/api-keys')
@Roles('admin')
export class ApiKeysPagesController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  list(@CurrentActor() actor: Actor, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    return this.renderList(reply, actor, { notice: noticeFor(notice, NOTICES) });
  }

  /** Answers with the key itself (not a redirect: the key must never be in a URL or the history). */
  @Post()
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const name = field(body, 'name');
    let created: Awaited<ReturnType<ApiKeysService['create']>>;
    try {
      created = await this.apiKeys.create(actor, name);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.renderList(reply, actor, { errors: humanise(messages, { name: 'Name' }), name }, status);
    }
    const context = staffContext(reply, actor, { title: 'New API key', section: 'api-keys' }, {
      apiKey: created.apiKey,
      key: created.key,
    });
    return renderPage(reply, 'pages/staff/api-key-created.hbs', context);
  }

  @Post(':id/revoke')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async revoke(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply) {
    await this.apiKeys.revoke(actor, id);
    return seeOther(reply, '/dashboard/api-keys?notice=revoked');
  }

  private async renderList(reply: FastifyReply, actor: Actor, data: object, status = 200) {
    const keys = (await this.apiKeys.list()).map((key) => ({
      ...key,
      created: formatDateTime(key.createdAt),
      lastUsed: formatDateTime(key.lastUsedAt),
      revoked: formatDateTime(key.revokedAt),
    }));
    const context = staffContext(reply, actor, { title: 'API keys', section: 'api-keys' }, { ...data, keys });
    return renderPage(reply, 'pages/staff/api-keys.hbs', context, status);
  }
}
