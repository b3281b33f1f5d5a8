import { Writable } from 'node:stream';
import { createRootLogger, redactUrl } from './logger';

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
