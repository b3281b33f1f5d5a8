import { cliActor } from './common/actor';
import { loadConfigOrExit } from './common/boot';

async function main() {
  // Configuration first, before the module graph loads: a bad value fails in milliseconds.
  const config = loadConfigOrExit();
  if (config.role === 'worker') {
    const { startWorker } = await import('./worker');
    await startWorker(config);
    return;
  }
  const { createApp } = await import('./app.factory');
  const { DemoSeedService } = await import('./demo/demo-seed.service');
  const app = await createApp(config);
  app.enableShutdownHooks();

  // A newcomer's first start gets demo data and the passwords to log in with; production never does.
  if (!config.isProduction) {
    const demo = app.get(DemoSeedService);
    if (await demo.isFresh()) {
      const report = await demo.seed(cliActor('start'));
      for (const c of report.credentials) {
        process.stdout.write(`  demo ${c.role.padEnd(8)} ${c.email}  password: ${c.password}\n`);
      }
    }
  }

  await app.listen({ port: config.port, host: config.host });
  const storage = config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  const jobs = config.redisUrl ? 'BullMQ on Redis' : 'in-process jobs';
  const mail = config.smtpUrl ? 'SMTP' : `email files in ${config.dataDir}/outbox`;
  process.stdout.write(`\nGoodword is running at ${config.publicUrl} (${storage}, ${jobs}, ${mail})\n\n`);
}

void main();
