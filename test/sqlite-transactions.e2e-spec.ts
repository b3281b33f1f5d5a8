import { rmSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/migrate';
import { serializeSqliteTransactions } from '../src/database/sqlite-transactions';
import { Location } from '../src/locations/location.entity';
import { tempDataDir } from './support/database';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe(serializeSqliteTransactions.name, () => {
  const dataDir = tempDataDir();
  let sut: DataSource;

  beforeAll(async () => {
    sut = await new DataSource(buildDataSourceOptions({ dataDir })).initialize();
    serializeSqliteTransactions(sut);
    await runMigrations(sut);
  });
  afterAll(async () => {
    await sut.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const codes = async () => (await sut.getRepository(Location).find({ order: { code: 'ASC' } })).map((l) => l.code);

  it('keeps a committed transaction when a concurrent one rolls back', async () => {
    const failing = sut.transaction(async (manager) => {
      await manager.insert(Location, { code: 'ROLLED-BACK', name: 'x' });
      await tick();
      throw new Error('boom');
    });
    const succeeding = sut.transaction(async (manager) => {
      await tick();
      await manager.insert(Location, { code: 'COMMITTED', name: 'y' });
      await tick();
    });
    await expect(failing).rejects.toThrow('boom');
    await succeeding;
    expect(await codes()).toEqual(['COMMITTED']);
  });

  it('does not let a write from outside a transaction be rolled back with it', async () => {
    const failing = sut.transaction(async (manager) => {
      await manager.insert(Location, { code: 'TX', name: 'x' });
      await tick();
      await tick();
      throw new Error('boom');
    });
    await tick();
    const outside = sut.getRepository(Location).insert({ code: 'OUTSIDE', name: 'z' });
    await expect(failing).rejects.toThrow('boom');
    await outside;
    expect(await codes()).toEqual(['COMMITTED', 'OUTSIDE']);
  });

  it('runs nested transactions inside their parent without deadlocking', async () => {
    await sut.transaction(async (manager) => {
      await manager.insert(Location, { code: 'PARENT', name: 'p' });
      await sut.transaction((inner) => inner.insert(AuditEvent, { actorType: 'system', actorId: null, action: 'nested' }));
      await sut.getRepository(Location).findOneBy({ code: 'PARENT' });
    });
    expect(await codes()).toContain('PARENT');
    expect(await sut.getRepository(AuditEvent).countBy({ action: 'nested' })).toBe(1);
  });

  it('serialises implicit transactions (save outside transaction()) with explicit ones', async () => {
    const repo = sut.getRepository(Location);
    const results = await Promise.allSettled([
      sut.transaction(async (manager) => {
        await manager.insert(Location, { code: 'EXPLICIT-FAIL', name: 'x' });
        await tick();
        throw new Error('boom');
      }),
      repo.save(repo.create({ code: 'IMPLICIT', name: 'i' })),
      sut.transaction((manager) => manager.insert(Location, { code: 'EXPLICIT-OK', name: 'y' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    const stored = await codes();
    expect(stored).toEqual(expect.arrayContaining(['IMPLICIT', 'EXPLICIT-OK']));
    expect(stored).not.toContain('EXPLICIT-FAIL');
  });
});
