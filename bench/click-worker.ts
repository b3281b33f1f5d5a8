// The worker side of bench:redirect in Redis mode: moves clicks from the Redis Stream to PostgreSQL.
import { startWorker } from '../src/worker';
import { loadConfig } from '../src/config/load-config';

void startWorker(loadConfig({ ...process.env, GOODWORD_ROLE: 'worker' })).then(() => process.send!({ ready: true }));
