'use strict';
// The worker side of bench:redirect in Redis mode: moves clicks from the Redis Stream to PostgreSQL (the
// compiled build, as `npm run worker` runs it).
const { startWorker } = require('../dist/worker');
const { loadConfig } = require('../dist/config/load-config');

void startWorker(loadConfig({ ...process.env, GOODWORD_ROLE: 'worker' })).then(() => process.send({ ready: true }));
