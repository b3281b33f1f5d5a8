import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { UsersService } from '../users/users.service';
import { renderPage } from './pages';
import { staffContext } from './staff-page';

const ROLE_NAMES = { admin: 'admin', marketer: 'marketer', dealer: 'location manager' } as const;

/** The staff home: a card for each section the signed-in role can use. */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Roles('admin', 'marketer', 'dealer')
  async dashboard(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const user = await this.users.get(actor.id!);
    const context = staffContext(reply, actor, { title: 'Dashboard', section: 'dashboard' });
    const cards = context.staff.nav.filter((item) => item.section !== 'dashboard' && item.description);
    return renderPage(reply, 'pages/staff/dashboard.hbs', {
      ...context,
      cards,
      email: user.email,
      roleName: ROLE_NAMES[actor.role!],
      locationCodes: actor.locationCodes?.join(', '),
    });
  }
}
