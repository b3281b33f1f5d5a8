import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { createRootLogger, PinoNestLogger, redactDeep, redactUrl } from './logger';

describe(redactUrl.name, () => {
  it.each([
    ['/i/AbCdEf123_-xyz', '/i/:token'],
    ['/preferences/tok123/unsubscribe?x=1', '/preferences/:token/unsubscribe'],
    ['/r/Xy12', '/r/:token'],
    ['/reset-password/secret', '/reset-password/:token'],
    ['/api/promoters?email=ana@example.com', '/api/promoters'],
    ['/api/locations/DLR-001', '/api/locations/DLR-001'],
  ])('%s is logged as %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe(createRootLogger.name, () => {
  it('writes JSON lines without tokens, query strings, credentials or emails', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const sut = createRootLogger('info', sink);
    sut.info(
      {
        req: { id: 'r1', method: 'GET', url: '/i/SECRET_TOKEN?email=ana@example.com', headers: { authorization: 'Bearer x' } },
        user: { email: 'ana@example.com', password: 'hunter2' },
      },
      'request',
    );
    const entry = JSON.parse(lines[lines.length - 1]);
    expect(entry).toMatchObject({ level: 30, service: 'goodword', msg: 'request', req: { id: 'r1', method: 'GET', url: '/i/:token' } });
    const text = lines.join('');
    expect(text).not.toContain('SECRET_TOKEN');
    expect(text).not.toContain('ana@example.com');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('Bearer');
  });
});

describe(redactDeep.name, () => {
  it('censors personal keys, masks emails and serialises errors at any depth', () => {
    const sut = redactDeep({
      batch: { rows: [{ id: 7, email: 'ana@example.com', name: 'Ana Silva', phone: '+1 555 0101', comment: 'Lovely' }] },
      note: 'sent to ana@example.com',
      deep: { deeper: { failure: new QueryFailedError('INSERT …', ['Ana Silva'], Object.assign(new Error('boom'), { detail: 'Ana Silva' })) } },
    });
    expect(sut).toEqual({
      batch: { rows: [{ id: 7, email: '[redacted]', name: '[redacted]', phone: '[redacted]', comment: '[redacted]' }] },
      note: 'sent to [email]',
      deep: { deeper: { failure: expect.objectContaining({ type: 'QueryFailedError', message: 'boom' }) } },
    });
    expect(JSON.stringify(sut)).not.toContain('Ana Silva');
  });
});

describe(PinoNestLogger.name, () => {
  it('logs an error by name, code and safe message, also when Nest passes the error itself', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const sut = new PinoNestLogger(createRootLogger('info', sink));
    const driverError = Object.assign(new Error('invalid input syntax for type uuid: "ana@example.com"'), { code: '22P02', detail: 'x', severity: 'ERROR', routine: 'r' });
    const error = new QueryFailedError('SELECT 1', ['ana@example.com', 'Ana Silva'], driverError);
    sut.error(error, 'Importer');
    sut.error({ msg: 'batch failed', err: error }, 'Importer');
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries[0]).toMatchObject({ context: 'Importer', msg: 'invalid input syntax for type uuid: "[value]"', err: { type: 'QueryFailedError', code: '22P02' } });
    expect(entries[1]).toMatchObject({ msg: 'batch failed', err: { type: 'QueryFailedError' } });
    expect(lines.join('')).not.toMatch(/ana@example\.com|Ana Silva|SELECT/);
  });

  it('keeps Nest\'s start-up chatter (modules loaded, routes mapped) out of an info-level log, and everything else in', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const sut = new PinoNestLogger(createRootLogger('info', sink));
    sut.log('AppModule dependencies initialized', 'InstanceLoader');
    sut.log('LocationsController {/api/locations}:', 'RoutesResolver');
    sut.log('Mapped {/api/locations, GET} route', 'RouterExplorer');
    sut.log('Starting Nest application...', 'NestFactory');
    sut.log('Nest application successfully started', 'NestApplication');
    sut.log('demo data seeded', 'DemoSeedService');
    sut.warn('Mapped twice', 'RouterExplorer');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['demo data seeded', 'Mapped twice']);

    const debug: string[] = [];
    const verbose = new PinoNestLogger(createRootLogger('debug', new Writable({ write: (c, _e, done) => (debug.push(String(c)), done()) })));
    verbose.log('Mapped {/api/locations, GET} route', 'RouterExplorer');
    expect(debug).toHaveLength(1);
  });
});
