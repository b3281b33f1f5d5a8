import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor, StaffRole } from '../common/actor';
import { LocationsService } from '../locations/locations.service';
import { field, fieldList, FormBody, formatDateTime, formErrors, noticeFor, renderPage, seeOther } from '../web/pages';
import { staffContext } from '../web/staff-page';
import { INVITATION_LINK_TTL_MS, PasswordResetService } from './password-reset.service';
import { STAFF_ROLES } from './user.entity';
import { UserView } from './user.view';
import { UsersService } from './users.service';

const ROLE_LABELS: Record<StaffRole, string> = { admin: 'Admin', marketer: 'Marketer', dealer: 'Dealer (location manager)' };

const NOTICES: Record<string, string> = {
  invited: 'Invitation sent. The new user chooses their password with the link in the email.',
  updated: 'User updated.',
  deactivated: 'User deactivated: they are signed out and cannot sign in.',
  reactivated: 'User reactivated. Send them a new password link if they need one.',
  'link-sent': 'A new password link is on its way to the user.',
};

interface InviteForm {
  email?: string;
  role?: string;
  locations?: string[];
}

/** Staff administration pages (admins only); every rule and audit entry is UsersService's. */
@ApiExcludeController()
@Controller('dashboard/users')
@Roles('admin')
export class UsersPagesController {
  constructor(
    private readonly users: UsersService,
    private readonly resets: PasswordResetService,
    private readonly locations: LocationsService,
  ) {}

  @Get()
  list(@CurrentActor() actor: Actor, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    return this.renderList(reply, actor, { notice: noticeFor(notice, NOTICES) });
  }

  /** Invite: the user is created without a usable password and gets an emailed link to choose one. */
  @Post()
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async invite(@CurrentActor() actor: Actor, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const form: InviteForm = { email: field(body, 'email'), role: field(body, 'role'), locations: fieldList(body, 'locations') };
    try {
      await this.resets.invite(actor, {
        email: form.email!,
        role: form.role as StaffRole,
        // The form shows the location boxes for every role; they mean something only for dealers.
        locationCodes: form.role === 'dealer' ? form.locations : undefined,
      });
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.renderList(reply, actor, { inviteErrors: messages, form }, status);
    }
    return seeOther(reply, '/dashboard/users?notice=invited');
  }

  @Get(':id')
  async edit(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply, @Query('notice') notice?: string) {
    const user = await this.users.get(id);
    return this.renderEdit(reply, actor, user, { notice: noticeFor(notice, NOTICES) });
  }

  /** Role and assigned locations. */
  @Post(':id')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async update(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() body: FormBody, @Res() reply: FastifyReply) {
    const role = field(body, 'role') as StaffRole;
    const codes = fieldList(body, 'locations');
    try {
      await this.users.update(actor, id, { role, locationCodes: role === 'dealer' ? codes : [] });
    } catch (error) {
      const { status, messages } = formErrors(error);
      const user = await this.users.get(id);
      return this.renderEdit(reply, actor, { ...user, role, locations: codes }, { errors: messages }, status);
    }
    return seeOther(reply, `/dashboard/users/${id}?notice=updated`);
  }

  @Post(':id/deactivate')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  setInactive(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply) {
    return this.setActive(actor, id, false, reply);
  }

  @Post(':id/reactivate')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  setActiveAgain(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply) {
    return this.setActive(actor, id, true, reply);
  }

  /** A fresh link: an invitation for someone who never signed in, else a password reset. */
  @Post(':id/send-link')
  @RouteConfig({ csrf: true })
  @HttpCode(200)
  async sendLink(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply) {
    try {
      await this.resets.resendLink(actor, id);
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.renderEdit(reply, actor, await this.users.get(id), { errors: messages }, status);
    }
    return seeOther(reply, `/dashboard/users/${id}?notice=link-sent`);
  }

  private async setActive(actor: Actor, id: string, active: boolean, reply: FastifyReply) {
    try {
      await this.users.update(actor, id, { active });
    } catch (error) {
      const { status, messages } = formErrors(error);
      return this.renderList(reply, actor, { errors: messages }, status);
    }
    return seeOther(reply, `/dashboard/users?notice=${active ? 'reactivated' : 'deactivated'}`);
  }

  private async renderList(reply: FastifyReply, actor: Actor, data: { form?: InviteForm; [key: string]: unknown }, status = 200) {
    const form = data.form ?? { role: 'marketer' };
    const users = (await this.users.list()).map((user) => ({
      ...user,
      roleLabel: ROLE_LABELS[user.role],
      locationList: user.locations.join(', '),
      lastLogin: formatDateTime(user.lastLoginAt),
      isSelf: user.id === actor.id,
    }));
    const context = staffContext(reply, actor, { title: 'Users', section: 'users' }, {
      ...data,
      form,
      users,
      roles: this.roleOptions(form.role),
      locationOptions: await this.locationOptions(actor, form.locations ?? []),
      invitationHours: INVITATION_LINK_TTL_MS / 3_600_000,
    });
    return renderPage(reply, 'pages/staff/users.hbs', context, status);
  }

  private async renderEdit(reply: FastifyReply, actor: Actor, user: UserView, data: object, status = 200) {
    const context = staffContext(reply, actor, { title: `User ${user.email}`, section: 'users' }, {
      ...data,
      user: {
        ...user,
        roleLabel: ROLE_LABELS[user.role],
        lastLogin: formatDateTime(user.lastLoginAt),
        created: formatDateTime(user.createdAt),
        isSelf: user.id === actor.id,
      },
      roles: this.roleOptions(user.role),
      locationOptions: await this.locationOptions(actor, user.locations),
    });
    return renderPage(reply, 'pages/staff/user-edit.hbs', context, status);
  }

  private roleOptions(selected?: string) {
    return STAFF_ROLES.map((value) => ({ value, label: ROLE_LABELS[value], selected: value === selected }));
  }

  private async locationOptions(actor: Actor, checked: string[]) {
    const wanted = new Set(checked.map((c) => c.toUpperCase()));
    return (await this.locations.list(actor)).map((l) => ({ code: l.code, name: l.name, checked: wanted.has(l.code) }));
  }
}
