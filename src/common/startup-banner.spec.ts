import { startupBanner } from './startup-banner';

describe(startupBanner.name, () => {
  const facts = { url: 'http://localhost:3000', storage: 'SQLite in ./data', jobs: 'in-process jobs', mail: 'email files in ./data/outbox' };

  it('ends a first start with the URL, every demo user with their password, and how to see them again', () => {
    const sut = startupBanner({
      ...facts,
      credentials: [
        { role: 'admin', email: 'admin@example.com', password: 'pw-admin-123456789' },
        { role: 'dealer', email: 'dealer@example.com', password: 'pw-dealer-12345678' },
      ],
      demoSaved: true,
    });
    expect(sut).toContain('Goodword is running at http://localhost:3000');
    expect(sut).toMatch(/admin\s+admin@example\.com\s+password: pw-admin-123456789/);
    expect(sut).toMatch(/dealer\s+dealer@example\.com\s+password: pw-dealer-12345678/);
    expect(sut).toContain('npm run cli -- demo:credentials');
    // A block: ruled off above and below, the passwords inside it.
    const lines = sut.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^─+$/);
    expect(sut.indexOf('pw-dealer')).toBeLessThan(sut.lastIndexOf('─'));
  });

  it('says how to see the demo sign-ins on a later start, and nothing about them where there are none', () => {
    expect(startupBanner({ ...facts, demoSaved: true })).toContain('npm run cli -- demo:credentials');
    const production = startupBanner({ ...facts, credentials: [], demoSaved: false });
    expect(production).toContain('Goodword is running at http://localhost:3000');
    expect(production).not.toMatch(/demo|password/);
  });
});
