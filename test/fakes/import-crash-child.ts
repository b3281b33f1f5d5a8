/**
 * Child process for test/faults-import-crash.e2e-spec.ts: the real application imports a Feedback CSV
 * read from this process's stdin, under the id in IMPORT_ID. The test feeds part of a file, waits for a
 * batch to be committed and SIGKILLs this process mid-import.
 *
 * Env: the app's (DATA_DIR, DATABASE_URL, ...) plus IMPORT_ID.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module';
import { cliActor } from '../../src/common/actor';
import { loadConfig } from '../../src/config/load-config';
import { ImportFeedbackUseCase } from '../../src/feedback/import-feedback.use-case';

async function main(): Promise<void> {
  const config = loadConfig(process.env as Record<string, string>);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
  await app.get(ImportFeedbackUseCase).run({
    source: 'cli',
    filename: 'crash.csv',
    input: process.stdin,
    actor: cliActor('feedback:import'),
    id: process.env.IMPORT_ID,
  });
  await app.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
