/**
 * Child process for test/faults-launch-crash.e2e-spec.ts: the real application (API and worker roles)
 * launches the campaign CAMPAIGN_ID and dies by SIGKILL the moment the launch has committed, before its
 * fan-out could run.
 *
 * Env: the app's (DATA_DIR, DATABASE_URL, REDIS_URL, QUEUE_PREFIX, SMTP_URL) plus CAMPAIGN_ID.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { writeSync } from 'node:fs';
import { AppModule } from '../../src/app.module';
import { LaunchCampaign } from '../../src/campaigns/launch-campaign';
import { cliActor } from '../../src/common/actor';
import { loadConfig } from '../../src/config/load-config';

async function main(): Promise<void> {
  const config = loadConfig(process.env as Record<string, string>);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
  const campaign = await app.get(LaunchCampaign).execute(cliActor('test'), process.env.CAMPAIGN_ID!);
  // Synchronous write: the report must be out before the kill, which no buffered stream survives.
  writeSync(1, `${campaign.status}\n`);
  process.kill(process.pid, 'SIGKILL');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
