import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDataDir } from './support/database';

describe('npm run cli -- user:create, apikey:create, demo:seed, audit:verify (SQLite default)', () => {
  const dataDir = tempDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', ...args], {
      cwd: join(__dirname, '..'),
      env: { PATH: process.env.PATH!, DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      input,
      timeout: 60000,
    });
  const db = () => new Database(join(dataDir, 'goodword.sqlite'), { readonly: true });

  it('demo:seed adds locations and one user per role with passwords printed once; a second run adds nothing; demo:credentials shows them again', () => {
    const none = cli(['demo:credentials']);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no demo sign-ins saved');
    const first = cli(['demo:seed']);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('demo locations added: DLR-001, DLR-002, DLR-003');
    const passwords = [...first.stdout.matchAll(/(admin|marketer|dealer)\s+\S+@example\.com\s+password: (\S{16,})/g)];
    expect(passwords.map((m) => m[1])).toEqual(['admin', 'marketer', 'dealer']);

    const second = cli(['demo:seed']);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('none (already there)');
    expect(second.stdout).not.toContain('password:');

    const again = cli(['demo:credentials']);
    expect(again.status).toBe(0);
    const shown = [...again.stdout.matchAll(/(admin|marketer|dealer)\s+\S+@example\.com\s+password: (\S{16,})/g)];
    expect(shown.map((m) => [m[1], m[2]])).toEqual(passwords.map((m) => [m[1], m[2]]));
    // Kept for this user only, next to the generated secrets.
    expect(statSync(join(dataDir, 'demo-credentials.json')).mode & 0o077).toBe(0);
  });

  it('demo:seed refuses to run with NODE_ENV=production and writes nothing', () => {
    const prodDir = tempDataDir();
    try {
      const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', 'demo:seed'], {
        cwd: join(__dirname, '..'),
        env: {
          PATH: process.env.PATH!, DATA_DIR: prodDir, NODE_ENV: 'production', LOG_LEVEL: 'silent',
          JWT_SECRET: 'j'.repeat(40), ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), HASH_KEY: 'h'.repeat(40),
          PUBLIC_URL: 'https://good.example.com', BRAND_POSTAL_ADDRESS: '1 Main St',
        },
        encoding: 'utf8',
        timeout: 60000,
      });
      expect(result.stderr).toContain('demo:seed refuses to run with NODE_ENV=production');
      expect(result.status).toBe(1);
      expect(result.stdout).not.toContain('password:');
      expect(existsSync(join(prodDir, 'goodword.sqlite'))).toBe(false);
    } finally {
      rmSync(prodDir, { recursive: true, force: true });
    }
  });

  it('user:create generates a strong password when none is piped in, and never stores it in plain text', () => {
    const result = cli(['user:create', '--email', 'Dana@Example.com', '--role', 'dealer', '--locations', 'dlr-002']);
    expect(result.status).toBe(0);
    const password = /password \(shown once\): (\S+)/.exec(result.stdout)![1];
    expect(password.length).toBeGreaterThanOrEqual(16);
    const conn = db();
    const row = conn.prepare(`SELECT * FROM staff_user WHERE email = ?`).get('dana@example.com') as Record<string, unknown>;
    conn.close();
    expect(JSON.stringify(row)).not.toContain(password);
    expect(JSON.stringify(row)).toContain('$argon2id$');
  });

  it('user:create --password-stdin reads the password from standard input', () => {
    const result = cli(['user:create', '--email', 'eve@example.com', '--role', 'marketer', '--password-stdin'], 'a-long-enough-passphrase\n');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('created marketer eve@example.com');
    expect(result.stdout).not.toContain('shown once');
  });

  it.each([
    [['user:create', '--role', 'admin'], 2, '--email is required'],
    [['user:create', '--email', 'f@example.com', '--role', 'owner'], 2, '--role must be admin, marketer or dealer'],
    [['user:create', '--email', 'f@example.com', '--role', 'dealer', '--locations', 'NOPE'], 1, 'NOPE'],
    [['user:create', '--email', 'dana@example.com', '--role', 'admin'], 1, 'already exists'],
    [['user:create', '--email', 'f@example.com', '--role', 'admin', '--bogus'], 2, "Unknown option '--bogus'"],
    [['apikey:create'], 2, '--name is required'],
  ])('%p exits %i with a clear message', (args, status, message) => {
    const result = cli(args as string[], 'short\n');
    expect(result.status).toBe(status);
    expect(result.stderr).toContain(message);
  });

  it('apikey:create prints the key once and stores only its hash', () => {
    const result = cli(['apikey:create', '--name', 'Survey tool']);
    expect(result.status).toBe(0);
    const key = /key \(shown once\): (gw_\S+)/.exec(result.stdout)![1];
    const conn = db();
    const rows = conn.prepare('SELECT * FROM api_key').all();
    conn.close();
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(JSON.stringify(rows)).toContain(createHash('sha256').update(key).digest('hex'));
  });

  it('audit:verify seals and checks the audit chain, and names the first row altered behind its back (exit 1)', () => {
    const ok = cli(['audit:verify']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const rows = Number(/audit chain OK: (\d+) rows, head [0-9a-f]{64}/.exec(ok.stdout)![1]);
    const conn = new Database(join(dataDir, 'goodword.sqlite'));
    expect(conn.prepare('SELECT COUNT(*) AS n FROM audit_event').get()).toEqual({ n: rows });
    conn.exec('DROP TRIGGER audit_event_no_update');
    conn.prepare(`UPDATE audit_event SET action = 'demo.altered' WHERE seq = 2`).run();
    const { id } = conn.prepare('SELECT id FROM audit_event WHERE seq = 2').get() as { id: string };
    conn.close();
    const broken = cli(['audit:verify']);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain(`audit chain broken at row 2 (${id}): its content does not match its hash`);
  });
});
