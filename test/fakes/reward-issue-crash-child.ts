/**
 * Child process for test/faults-reward-issue-crash.e2e-spec.ts: the real application (in-process jobs)
 * approves the invitation INVITATION_TOKEN with the reward accepted; the job that emails the code then dies
 * by SIGKILL halfway through its transaction (the code marked emailed, the email not yet queued), before it commits.
 *
 * Env: the app's (DATA_DIR, DATABASE_URL, SMTP_URL) plus INVITATION_TOKEN.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { writeSync } from 'node:fs';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config/load-config';
import { InvitationLanding } from '../../src/invitations/invitation-landing.service';
import { OutboxService } from '../../src/jobs/outbox.service';
import { ApproveRecommendation } from '../../src/recommendations/approve-recommendation.use-case';

async function main(): Promise<void> {
  const config = loadConfig(process.env as Record<string, string>);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
  const outbox = app.get(OutboxService);
  const add = outbox.add.bind(outbox);
  outbox.add = (async (manager, job, data, opts) => {
    if (job.name === 'notifications.send-email') {
      // Synchronous write: the report must be out before the kill, which no buffered stream survives.
      writeSync(1, 'killed mid-issue\n');
      process.kill(process.pid, 'SIGKILL');
    }
    return add(manager, job, data, opts);
  }) as OutboxService['add'];
  const landing = await app.get(InvitationLanding).open(process.env.INVITATION_TOKEN);
  await app.get(ApproveRecommendation).execute(landing!, { text: 'Killed halfway, still thanked once.', channels: ['copy'], rewardAccepted: true, confirmed: true, ip: null, userAgent: 'test' });
  writeSync(1, 'approved\n');
  outbox.kick();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
