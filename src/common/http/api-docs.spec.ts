import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiOperation, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { ApiKeyAllowed, Public, Roles } from '../../auth/decorators/auth.decorators';
import { ApiErrors } from './api-docs';

@Controller('open')
@Public()
class OpenController {
  @Get() page() { return 'ok'; }
}

@Controller('staff')
@Roles('admin')
class StaffController {
  @Get() list() { return []; }
  @Post() @ApiErrors(400) create() { return {}; }
  @Post('act') @HttpCode(200) @Roles('admin', 'marketer') @ApiErrors(404, { 409: 'Already done' }) act() { return {}; }
  @Post('machines') @ApiKeyAllowed() machines() { return {}; }
  @Post('login') @Public() @ApiOperation({ summary: 'Sign in' }) @ApiErrors(401) login() { return {}; }
  @Post('logout') @ApiOperation({ summary: 'Sign out' }) @Public() @HttpCode(204) logout() { return; }
}

type Operation = { summary?: string; security?: unknown[]; responses: Record<string, { description: string }> };

describe('OpenAPI decorators (ApiErrors, and the access that Public, Roles and ApiKeyAllowed document)', () => {
  let app: NestFastifyApplication;
  let document: OpenAPIObject;
  const op = (method: string, path: string) => (document.paths[path] as Record<string, Operation>)[method];

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [OpenController, StaffController] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
  });
  afterAll(() => app.close());

  it('gives a public route, even one made public at class level, `security: []` and keeps its summary', () => {
    expect(op('get', '/open').security).toEqual([]);
    expect(op('post', '/staff/login')).toMatchObject({ summary: 'Sign in', security: [] });
    expect(op('post', '/staff/logout')).toMatchObject({ summary: 'Sign out', security: [] });
  });

  it('documents a role as the bearer scheme with 401 and 403 naming the roles, once even when class and method both say it', () => {
    expect(op('get', '/staff').security).toEqual([{ bearer: [] }]);
    expect(op('post', '/staff/act').security).toEqual([{ bearer: [] }]);
    expect(op('post', '/staff/act').responses['403'].description).toBe('Only admin or marketer may call this');
    expect(op('post', '/staff/machines').security).toEqual([{ 'api-key': [] }, { bearer: [] }]);
  });

  it('keeps the success status (POST 201, or @HttpCode) next to the errors, whatever the decorator order', () => {
    expect(Object.keys(op('get', '/staff').responses).sort()).toEqual(['200', '401', '403']);
    expect(Object.keys(op('post', '/staff').responses).sort()).toEqual(['201', '400', '401', '403']);
    expect(Object.keys(op('post', '/staff/act').responses).sort()).toEqual(['200', '401', '403', '404', '409']);
    expect(op('post', '/staff/act').responses['409'].description).toBe('Already done');
    expect(Object.keys(op('post', '/staff/logout').responses)).toEqual(['204']);
  });
});
