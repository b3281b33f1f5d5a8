import { setFlagsFromString } from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for this process. Every process that builds the app calls it first:
 * `createApp` (the API, tests, benches), `startWorker` and the CLI.
 *
 * Why: while the app boots (a few thousand modules, Nest's metadata, entity and route tables) nearly
 * everything allocated lives for good, and V8 learns from that to allocate objects from the same code
 * sites — Node's own stream, socket and HTTP internals among them — straight into the old generation. After
 * boot those sites make per-request objects that die within milliseconds, but they now land in old space:
 * every scavenge has thousands of old-to-new pointers to walk (15–25 ms each instead of under 1 ms) and
 * full collections run every few seconds. Measured with `bench/redirect`'s app against a bare `http`
 * server in the same process: a plain 302 cost ~60 µs of CPU with the app's modules loaded against ~25 µs
 * without them, and ~25 µs with them once this is off (p99 24 → 10 ms on the redirect). Short-lived
 * objects are the common case in a server, so generational collection without the heuristic does better.
 *
 * Setting it at run time works for this flag (V8 consults it at each scavenge), so `node dist/main.js`
 * started without extra arguments gets it too.
 */
export function tuneGarbageCollector(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
