'use strict';
// The app side of bench:redirect: the real application, run as production runs it (`npm start`: the compiled
// build in plain Node, not under ts-node, whose compiler would share the heap and slow every request). PostgreSQL
// + Redis, or SQLite with --sqlite. On its first start it makes the links the bench visits; restarted after a
// SIGKILL (BENCH_PORT set) it only serves.
const { DataSource } = require('typeorm');
const { createApp } = require('../dist/app.factory');
const { loadConfig } = require('../dist/config/load-config');
const { TrackedLinksService } = require('../dist/reach/tracked-links.service');

async function main() {
  const app = await createApp(loadConfig(process.env));
  app.enableShutdownHooks();
  const db = app.get(DataSource);
  const links = app.get(TrackedLinksService);
  const make = () => db.transaction((m) => links.create(m, { targetPath: '/p/bench' }));
  // One link to measure speed, one for the exact click count (a timed run cuts requests off mid-flight), one
  // for the crash phase.
  const made = process.env.BENCH_PORT ? undefined : { link: await make(), counted: await make(), crash: await make() };
  await app.listen({ port: Number(process.env.BENCH_PORT ?? 0), host: '127.0.0.1' });
  process.send({
    port: app.getHttpServer().address().port,
    code: made?.link.code,
    countedCode: made?.counted.code,
    countedLinkId: made?.counted.id,
    crashCode: made?.crash.code,
    crashLinkId: made?.crash.id,
  });
  process.on('SIGTERM', async () => {
    await app.close(); // flushes buffered clicks
    process.exit(0);
  });
}

void main();
