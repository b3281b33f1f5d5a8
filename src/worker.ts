import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadConfigOrExit } from './common/boot';
import { tuneGarbageCollector } from './common/runtime/gc-tuning';
import { createRootLogger, PinoNestLogger } from './common/logging/logger';
import { AppConfig } from './config/app-config';

/** A worker runs queue processors only: no HTTP port. SIGTERM lets running jobs finish, then exits. */
export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  tuneGarbageCollector();
  const logger = createRootLogger(config.logLevel);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks();
  logger.info({ role: config.role }, 'goodword worker started');
  return app;
}

if (require.main === module) {
  void startWorker(loadConfigOrExit());
}
