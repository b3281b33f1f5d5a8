import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { isEmail } from 'class-validator';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { staffContext } from '../web/staff-page';
import { field, FormBody, renderPage } from '../web/pages';
import { DataExportService } from './data-export.service';
import { EraseCustomer } from './erase-customer';

/** `/dashboard/privacy`: admins export or erase a customer's data by address (requests that arrive by letter). */
@ApiExcludeController()
@Controller('dashboard/privacy')
@Roles('admin')
export class PrivacyPagesController {
  constructor(
    private readonly exports: DataExportService,
    private readonly erase: EraseCustomer,
  ) {}

  @Get()
  show(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    return this.render(reply, actor, {});
  }

  @Post('export')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async exportData(@CurrentActor() actor: Actor, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const email = field(body, 'email').trim();
    if (!isEmail(email)) return this.render(reply, actor, { exportEmail: email, exportError: 'Enter an email address.' }, 422);
    try {
      const data = await this.exports.forStaff(actor, email);
      return reply
        .header('Cache-Control', 'no-store')
        .header('Content-Disposition', 'attachment; filename="customer-data.json"')
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(data, null, 2));
    } catch {
      return this.render(reply, actor, { exportEmail: email, exportError: 'No customer has this email address.' }, 404);
    }
  }

  @Post('erase')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async eraseData(@CurrentActor() actor: Actor, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const email = field(body, 'email').trim();
    if (!isEmail(email)) return this.render(reply, actor, { eraseEmail: email, eraseError: 'Enter an email address.' }, 422);
    if (field(body, 'confirm') !== 'erase') return this.render(reply, actor, { eraseEmail: email, eraseError: 'Tick the box to confirm.' }, 422);
    const result = await this.erase.execute(actor, { email, deleteXPosts: field(body, 'deleteXPosts') === 'on' });
    const notice = result.customerId
      ? `Erased: ${result.recommendations} recommendations, ${result.invitations} invitations, ${result.outboxRows + result.queuedJobs + result.emailFiles} emails${result.stagedUploads ? `, ${result.stagedUploads} survey ${result.stagedUploads === 1 ? 'file' : 'files'} waiting for import` : ''}. The address will never be stored again.`
      : 'No customer had this address. It will never be stored.';
    return this.render(reply, actor, { notice });
  }

  private render(reply: FastifyReply, actor: Actor, data: object, status = 200) {
    return renderPage(reply, 'pages/staff/privacy.hbs', staffContext(reply, actor, { title: 'Customer data requests', section: 'settings' }, data), status);
  }
}
