import { Body, Controller, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Public, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { IpThrottle } from '../common/http/ip-throttle.guard';
import { privatePage, renderInvalidLink } from '../preferences/link-pages';
import { PreferenceTokens } from '../preferences/preference-tokens.service';
import { field, FormBody, renderPage } from '../web/pages';
import { EraseCustomerDto, ExportCustomerDto } from './dto/erase.dto';
import { DataExportService } from './data-export.service';
import { EraseCustomer } from './erase-customer';
import { PrivacyFactsService } from './privacy-facts';

/** `/privacy`, the public page generated from the settings in force. */
@ApiExcludeController()
@Controller()
@Public()
@UseGuards(IpThrottle('public-pages', 600))
export class PrivacyPageController {
  constructor(private readonly facts: PrivacyFactsService) {}

  @Get('privacy')
  async show(@Res() reply: FastifyReply) {
    reply.header('Cache-Control', 'public, max-age=300');
    return renderPage(reply, 'pages/privacy/privacy.hbs', { title: 'Privacy: what we keep and why', facts: await this.facts.get() });
  }
}

/** Self-service erasure from the preference link, with a confirmation step (a GET never erases). */
@ApiExcludeController()
@Controller('preferences')
@Public()
@UseGuards(IpThrottle('privacy-pages', 120))
export class ErasePagesController {
  constructor(
    private readonly tokens: PreferenceTokens,
    private readonly erase: EraseCustomer,
    private readonly exports: DataExportService,
  ) {}

  /** Emails a 24-hour, single-use link to everything held about the customer. */
  @Post(':token/export')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async requestExport(@Param('token') token: string, @Res() reply: FastifyReply) {
    const customerId = await this.tokens.resolve(token);
    if (!customerId || !(await this.exports.request(customerId))) return renderInvalidLink(reply, 'preferences');
    privatePage(reply);
    return renderPage(reply, 'pages/privacy/export-sent.hbs', { title: 'Check your email', token });
  }

  @Get(':token/erase')
  async confirm(@Param('token') token: string, @Res() reply: FastifyReply) {
    if (!(await this.tokens.resolve(token))) return renderInvalidLink(reply, 'preferences');
    privatePage(reply);
    return renderPage(reply, 'pages/privacy/erase-confirm.hbs', { title: 'Erase your data', token, csrfToken: reply.generateCsrf() });
  }

  @Post(':token/erase')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async eraseNow(@Param('token') token: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const customerId = await this.tokens.resolve(token);
    if (!customerId) return renderInvalidLink(reply, 'preferences');
    privatePage(reply);
    if (field(body, 'confirm') !== 'erase') {
      return renderPage(
        reply,
        'pages/privacy/erase-confirm.hbs',
        { title: 'Erase your data', token, csrfToken: reply.generateCsrf(), error: 'Tick the box to confirm, then press the button again.' },
        422,
      );
    }
    await this.erase.forCustomer(customerId);
    return renderPage(reply, 'pages/privacy/erased.hbs', { title: 'Your data is erased' });
  }
}

/** The emailed export link: a readable summary (does not use the link up) and the JSON download (uses it up). */
@ApiExcludeController()
@Controller('export')
@Public()
@UseGuards(IpThrottle('privacy-pages', 120))
export class ExportPagesController {
  constructor(private readonly exports: DataExportService) {}

  @Get(':token')
  async summary(@Param('token') token: string, @Res() reply: FastifyReply) {
    const data = await this.exports.preview(token);
    if (!data) return renderInvalidLink(reply, 'preferences');
    privatePage(reply);
    return renderPage(reply, 'pages/privacy/export.hbs', { title: 'Your data', token, data });
  }

  @Get(':token/data.json')
  async download(@Param('token') token: string, @Res() reply: FastifyReply) {
    const data = await this.exports.download(token);
    if (!data) return renderInvalidLink(reply, 'preferences');
    privatePage(reply);
    return reply
      .header('Content-Disposition', 'attachment; filename="my-data.json"')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  }
}

/** Export and erasure by staff, for requests that arrive by letter or email. */
@ApiTags('privacy')
@Controller('api/customers')
export class PrivacyApiController {
  constructor(
    private readonly erase: EraseCustomer,
    private readonly exports: DataExportService,
  ) {}

  @Post('export')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Everything held about a customer, as JSON (GDPR Art. 15/20)' })
  @ApiErrors(400, 404)
  exportCustomer(@CurrentActor() actor: Actor, @Body() dto: ExportCustomerDto) {
    return this.exports.forStaff(actor, dto.email);
  }

  @Post('erase')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Erase a customer\'s personal data everywhere (GDPR Art. 17); ids and counts are kept' })
  @ApiErrors(400)
  eraseCustomer(@CurrentActor() actor: Actor, @Body() dto: EraseCustomerDto) {
    return this.erase.execute(actor, dto);
  }
}
