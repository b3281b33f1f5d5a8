import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { CsvQueryDto } from '../common/http/csv-query.dto';
import { CsvResponse } from '../common/http/csv-response';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { USER_CSV_COLUMNS } from './user.view';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List staff users' })
  @ApiErrors(400)
  async list(@Query() query: CsvQueryDto) {
    const users = await this.users.list();
    if (query.format !== 'csv') return users;
    return new CsvResponse('users.csv', USER_CSV_COLUMNS, users.map((u) => ({ ...u, locations: u.locations.join(' ') })));
  }

  /** Answers the user; with `password` once when the server generated it. */
  @Post()
  @ApiOperation({ summary: 'Create a staff user' })
  @ApiErrors(400, { 409: 'A user with this email already exists' })
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto) {
    const { user, password } = await this.users.create(actor, {
      email: dto.email,
      role: dto.role,
      locationCodes: dto.locations,
      password: dto.password,
    });
    return password ? { ...user, password } : user;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a user’s role, locations or active state' })
  @ApiErrors(400, 404, { 409: 'At least one active admin must remain' })
  update(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(actor, id, { role: dto.role, locationCodes: dto.locations ?? undefined, active: dto.active });
  }
}
