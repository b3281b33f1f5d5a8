import { createServer } from 'node:net';
import { cliActor } from './common/actor';
import { loadConfigOrExit, lockDataDirOrExit } from './common/boot';

async function main() {
  // Configuration first, before the module graph loads: a bad value fails in milliseconds.
  const config = loadConfigOrExit();
  lockDataDirOrExit(config);
  // Before the slow part (migrations, demo data): a second `npm start` is the usual cause.
  if (config.runsApi && !(await portIsFree(config.port, config.host))) portInUse(config.port);
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

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // Taken since the check above (a race): same answer.
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') portInUse(config.port);
    throw error;
  }
  const storage = config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  const jobs = config.redisUrl ? 'BullMQ on Redis' : 'in-process jobs';
  const mail = config.smtpUrl ? 'SMTP' : `email files in ${config.dataDir}/outbox`;
  process.stdout.write(`\nGoodword is running at ${config.publicUrl} (${storage}, ${jobs}, ${mail})\n\n`);
}

/** One line saying what to do, not a stack. */
function portInUse(port: number): never {
  process.stderr.write(`goodword: port ${port} is in use: set PORT to a free port, or stop the process using it\n`);
  process.exit(1);
}

function portIsFree(port: number, host: string): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

void main();
