import { createServer } from 'node:net';
import { cliActor } from './common/actor';
import { loadConfigOrExit, lockDataDirOrExit } from './common/boot';
import { startupBanner } from './common/startup-banner';
import { readDemoCredentials, saveDemoCredentials } from './demo/demo-credentials';

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

  // A newcomer's first start gets demo data and the passwords to log in with; production never does. The
  // passwords are kept (DATA_DIR, this user only) so `demo:credentials` can show them again.
  let credentials: { email: string; role: string; password: string }[] = [];
  if (!config.isProduction) {
    const demo = app.get(DemoSeedService);
    if (await demo.isFresh()) {
      credentials = (await demo.seed(cliActor('start'))).credentials;
      saveDemoCredentials(config.dataDir, credentials);
    }
  }

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // Taken since the check above (a race): same answer.
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') portInUse(config.port);
    throw error;
  }
  // Nest's start-up chatter is logged at debug, and the logs buffered so far are written out first: the last
  // thing on the screen is this block.
  const log = app.getHttpAdapter().getInstance().log as { flush?: (done: () => void) => void };
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => (log.flush ? log.flush(() => resolve()) : resolve()));
  process.stdout.write(
    startupBanner({
      url: config.publicUrl,
      storage: config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`,
      jobs: config.redisUrl ? 'BullMQ on Redis' : 'in-process jobs',
      mail: config.smtpUrl ? 'SMTP' : `email files in ${config.dataDir}/outbox`,
      credentials,
      demoSaved: !config.isProduction && readDemoCredentials(config.dataDir) !== null,
    }),
  );
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
