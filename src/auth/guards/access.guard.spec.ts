import fastifyCookie from '@fastify/cookie';
import { Controller, Get, Post } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ApiKeysService } from '../../api-keys/api-keys.service';
import { Actor } from '../../common/actor';
import { AppConfig } from '../../config/app-config';
import { AuthService } from '../auth.service';
import { ApiKeyAllowed, CurrentActor, Public, Roles } from '../decorators/auth.decorators';
import { AccessGuard } from './access.guard';

@Controller('t')
@Roles('admin')
class ProbeController {
  @Get('public') @Public() open() { return 'ok'; }
  @Get('class-roles') classRoles(@CurrentActor() actor: Actor) { return actor; }
  @Get('dealer') @Roles('dealer') dealerOnly() { return 'ok'; }
  @Get('both') @ApiKeyAllowed() both(@CurrentActor() actor: Actor) { return actor; }
  @Post('write') write() { return 'ok'; }
}

@Controller('u')
class UndeclaredController {
  @Get('nothing') nothing() { return 'should never be reached'; }
  @Get('machines') @ApiKeyAllowed() machines(@CurrentActor() actor: Actor) { return actor; }
}

const ACTORS: Record<string, Actor> = {
  'admin-token': { type: 'staff', id: 'a1', role: 'admin' },
  'dealer-token': { type: 'staff', id: 'd1', role: 'dealer', locationCodes: ['LOC-A'] },
};

describe('AccessGuard (deny by default)', () => {
  let app: NestFastifyApplication;
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController, UndeclaredController],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: AuthService, useValue: { authenticateToken: async (t: string) => ACTORS[t] ?? null } },
        {
          provide: ApiKeysService,
          useValue: { authenticate: async (k: string) => (k === 'good-key' ? { type: 'api_key', id: 'k1' } : null) },
        },
        { provide: AppConfig, useValue: { publicUrl: 'https://goodword.example' } },
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.register(fastifyCookie);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it.each([
    ['/t/public', {}, 200],
    ['/t/class-roles', {}, 401],
    ['/t/class-roles', { authorization: 'Bearer admin-token' }, 200],
    ['/t/class-roles', { authorization: 'Bearer dealer-token' }, 403],
    ['/t/class-roles', { authorization: 'Bearer unknown-token' }, 401],
    ['/t/class-roles', { 'x-api-key': 'good-key' }, 403],
    ['/t/class-roles', { 'x-api-key': 'bad-key' }, 401],
    ['/t/dealer', { authorization: 'Bearer dealer-token' }, 200],
    ['/t/dealer', { authorization: 'Bearer admin-token' }, 403],
    ['/t/both', { 'x-api-key': 'good-key' }, 200],
    ['/t/both', { authorization: 'Bearer admin-token' }, 200],
    ['/u/nothing', {}, 403],
    ['/u/nothing', { authorization: 'Bearer admin-token' }, 403],
    ['/u/nothing', { 'x-api-key': 'good-key' }, 403],
    ['/u/machines', { 'x-api-key': 'good-key' }, 200],
    ['/u/machines', { authorization: 'Bearer admin-token' }, 403],
    ['/u/machines', {}, 401],
  ])('GET %s with %j → %i', async (url, headers, status) => {
    expect((await get(url, headers as Record<string, string>)).statusCode).toBe(status);
  });

  it('puts the actor on the request', async () => {
    expect((await get('/u/machines', { 'x-api-key': 'good-key' })).json()).toEqual({ type: 'api_key', id: 'k1' });
    expect((await get('/t/class-roles', { authorization: 'Bearer admin-token' })).json()).toEqual(ACTORS['admin-token']);
  });

  it('accepts the session cookie, but not for a write from another site', async () => {
    const cookies = { access_token: 'admin-token' };
    expect((await app.inject({ method: 'GET', url: '/t/class-roles', cookies })).statusCode).toBe(200);
    const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/t/write', cookies, headers });
    expect((await post({})).statusCode).toBe(201);
    expect((await post({ 'sec-fetch-site': 'same-origin' })).statusCode).toBe(201);
    expect((await post({ 'sec-fetch-site': 'same-site' })).statusCode).toBe(403);
    expect((await post({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await post({ origin: 'https://goodword.example' })).statusCode).toBe(201);
    expect((await post({ origin: 'https://evil.example' })).statusCode).toBe(403);
  });
});
