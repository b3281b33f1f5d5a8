import { OpenAPIObject } from '@nestjs/swagger';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TestApp } from './support/app';

const ROOT = join(__dirname, '..');

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

/** `redocly lint` with the project's redocly.yaml, offline: no telemetry, no update check. */
function redoclyLint(document: object): { status: number | null; problems: LintProblem[]; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'goodword-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = require.resolve('@redocly/cli/bin/cli.js');
    const run = spawnSync(process.execPath, [cli, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const problems = run.stdout.trim() ? (JSON.parse(run.stdout) as { problems: LintProblem[] }).problems : [];
    return { status: run.status, problems, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Operation = { summary?: string; security?: Record<string, string[]>[]; responses: Record<string, unknown> };

/** The OpenAPI document served at /api/docs-json (it doesn't depend on the database: SQLite is enough). */
describe('OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );
  const operation = (method: string, path: string) => (document.paths[path] as Record<string, Operation>)[method];

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' });
    const res = await t.app.inject({ method: 'GET', url: '/api/docs-json' });
    expect(res.statusCode).toBe(200);
    document = res.json();
  });
  afterAll(() => t.close());

  it('passes redocly lint (recommended rules, see redocly.yaml) with no errors', () => {
    const { status, problems, stderr } = redoclyLint(document);
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors).toEqual([]);
    expect({ status, stderr: status === 0 ? '' : stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('gives every operation a summary, and its access: `security: []` when public, else a scheme with 401 and 403', () => {
    const all = operations();
    expect(all.length).toBeGreaterThan(30);
    expect(all.filter(({ operation }) => !operation.summary).map(({ route }) => route)).toEqual([]);
    expect(all.filter(({ operation }) => !Array.isArray(operation.security)).map(({ route }) => route)).toEqual([]);
    const guarded = all.filter(({ operation }) => operation.security!.length > 0);
    expect(guarded.filter(({ operation }) => !operation.responses['401'] || !operation.responses['403']).map(({ route }) => route)).toEqual([]);
    expect(operation('post', '/api/auth/login').security).toEqual([]);
    expect(operation('post', '/api/auth/password-reset').security).toEqual([]);
    expect(operation('get', '/api/users').security).toEqual([{ bearer: [] }]);
    expect(operation('post', '/api/feedback').security).toEqual([{ 'api-key': [] }]);
  });

  it("keeps each route's success status next to its 4xx answers", () => {
    expect(Object.keys(operation('post', '/api/campaigns').responses).sort()).toEqual(['201', '400', '401', '403']);
    expect(Object.keys(operation('post', '/api/campaigns/{id}/launch').responses).sort()).toEqual(['200', '400', '401', '403', '404', '409']);
    expect(Object.keys(operation('post', '/api/auth/password-reset/confirm').responses).sort()).toEqual(['204', '400', '429']);
    expect(operation('post', '/api/imports').responses['413']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' }, example: { statusCode: 413 } } },
    });
  });

  it("types a campaign's locations, startsAt and endsAt as the API reads them", () => {
    const { properties } = document.components!.schemas!.CreateCampaignDto as { properties: Record<string, Record<string, unknown>> };
    expect(properties.locations.oneOf).toEqual([
      { type: 'string', enum: ['all'] },
      expect.objectContaining({ type: 'array', items: expect.objectContaining({ type: 'string' }) }),
    ]);
    expect(properties.locations.type).toBeUndefined();
    for (const field of ['startsAt', 'endsAt']) {
      expect(properties[field]).toMatchObject({ type: 'string', format: 'date-time', nullable: true });
    }
    expect(properties.reminderAfterDays).toMatchObject({ type: 'integer', nullable: true });
  });
});
