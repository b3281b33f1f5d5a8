import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

describe(loadConfig.name, () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'gw-config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir, ...env });
  const errorOf = (env: Record<string, string>) => {
    try {
      load(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('runs on embedded defaults: SQLite, in-process jobs, email files, role all', () => {
    const sut = load({});
    expect(sut).toMatchObject({ role: 'all', port: 3000, dialect: 'sqlite', env: 'development' });
    expect(sut.redisUrl).toBeUndefined();
    expect(sut.smtpUrl).toBeUndefined();
    expect(sut.publicUrl).toBe('http://localhost:3000');
    expect(sut.encryptionKey).toHaveLength(32);
  });

  it('generates development secrets once and keeps them in DATA_DIR/secrets.json', () => {
    const first = load({});
    const file = join(dataDir, 'secrets.json');
    expect(existsSync(file)).toBe(true);
    const second = load({});
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.hashKey).toBe(first.hashKey);
    expect(JSON.parse(readFileSync(file, 'utf8')).JWT_SECRET).toBe(first.jwtSecret);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT must be a whole number from 0 to 65535$/],
    [{ PORT: '70000' }, /^PORT must be a whole number from 0 to 65535$/],
    [{ X_MONTHLY_POST_BUDGET: '-1' }, /^X_MONTHLY_POST_BUDGET must be a whole number/],
    [{ X_MONTHLY_READ_BUDGET: 'lots' }, /^X_MONTHLY_READ_BUDGET must be a whole number/],
    [{ DATABASE_URL: 'mysql://localhost/db' }, /^DATABASE_URL must be a postgres/],
    [{ REDIS_URL: 'localhost:6379' }, /^REDIS_URL/],
    [{ PUBLIC_URL: 'not a url' }, /^PUBLIC_URL/],
    [{ GOODWORD_ROLE: 'cron' }, /^GOODWORD_ROLE/],
    [{ ENCRYPTION_KEY: 'c2hvcnQ=' }, /^ENCRYPTION_KEY must be 32 bytes/],
    [{ JWT_SECRET: 'short' }, /^JWT_SECRET must be at least 32/],
    [{ DKIM_DOMAIN: 'example.com' }, /DKIM_SELECTOR is required|DKIM_PRIVATE_KEY/],
    [{ X_CLIENT_ID: 'abc' }, /^X_CLIENT_SECRET is required/],
    [{ SMTP_URL: 'http://mail' }, /^SMTP_URL/],
    [{ TRUST_PROXY: 'yes please' }, /^TRUST_PROXY/],
  ])('refuses %p with one line naming the variable', (env, pattern) => {
    const message = errorOf(env as Record<string, string>);
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
  });

  it.each([
    [undefined, false],
    ['true', true],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
  ])('reads TRUST_PROXY=%p as %p', (value, expected) => {
    expect(load(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('requires REDIS_URL and DATABASE_URL for a split role', () => {
    expect(errorOf({ GOODWORD_ROLE: 'worker' })).toMatch(/GOODWORD_ROLE=worker needs REDIS_URL and DATABASE_URL/);
    const sut = load({ GOODWORD_ROLE: 'worker', REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://h/db' });
    expect(sut.runsWorker).toBe(true);
    expect(sut.runsApi).toBe(false);
  });

  it('requires secrets and PUBLIC_URL in production instead of generating them', () => {
    expect(errorOf({ NODE_ENV: 'production' })).toBe('JWT_SECRET is required when NODE_ENV=production');
    const secrets = {
      JWT_SECRET: 'j'.repeat(40),
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      HASH_KEY: 'h'.repeat(40),
    };
    expect(errorOf({ NODE_ENV: 'production', ...secrets })).toBe('PUBLIC_URL is required when NODE_ENV=production');
    const sut = load({
      NODE_ENV: 'production',
      ...secrets,
      PUBLIC_URL: 'https://good.example.com/',
      BRAND_POSTAL_ADDRESS: '1 Main St',
    });
    expect(sut.publicUrl).toBe('https://good.example.com');
    expect(sut.host).toBe('0.0.0.0');
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
  });
});

describe('loadConfig DKIM key', () => {
  it('accepts a PEM key written on one line with literal \\n', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';
    const sut = loadConfig({
      DATA_DIR: '/tmp/gw-dkim-test',
      DKIM_DOMAIN: 'example.com',
      DKIM_SELECTOR: 's1',
      DKIM_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
    });
    expect(sut.dkim).toEqual({ domainName: 'example.com', keySelector: 's1', privateKey: pem });
  });
});
