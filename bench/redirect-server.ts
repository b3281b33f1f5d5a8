// The app side of bench:redirect: the real application (PostgreSQL, or SQLite with --sqlite) with one tracked link.
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/load-config';
import { TrackedLinksService } from '../src/reach/tracked-links.service';

async function main() {
  const app = await createApp(loadConfig(process.env));
  const db = app.get(DataSource);
  const links = app.get(TrackedLinksService);
  // One link to measure speed, one for the exact click count (a timed run cuts requests off mid-flight).
  const link = await db.transaction((m) => links.create(m, { targetPath: '/p/bench' }));
  const counted = await db.transaction((m) => links.create(m, { targetPath: '/p/bench' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  process.send!({ port: address.port, code: link.code, countedCode: counted.code, countedLinkId: counted.id });
  process.on('SIGTERM', async () => {
    await app.close(); // flushes buffered clicks
    process.exit(0);
  });
}

void main();
