#!/usr/bin/env node
'use strict';
// `npm start`, `npm run cli`, `npm run worker` and `npm run migrate` run this first: it builds only when
// the compiled output is missing or the sources changed since the last build (a full `nest build` takes
// 20–45 s on a busy machine; the CLI should answer in about 2). Plain JavaScript: it runs before any build.
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join, relative, sep } = require('node:path');

/** What the build reads: a change to any of these makes dist stale. */
const INPUTS = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
/** Entry points every script runs; a build that lost one of them is not a build. */
const OUTPUTS = ['main.js', 'cli.js', 'worker.js'];
const STAMP = '.build-stamp';

function files(root, entry) {
  const path = join(root, entry);
  if (!existsSync(path)) return [];
  const found = [];
  const walk = (dir) => {
    for (const item of readdirSync(dir, { withFileTypes: true })) {
      const child = join(dir, item.name);
      if (item.isDirectory()) walk(child);
      else if (item.isFile()) found.push(child);
    }
  };
  if (statSync(path).isDirectory()) walk(path);
  else found.push(path);
  return found;
}

/** A hash of the inputs' names and contents (not mtimes: a checkout or copy may keep old times). */
function fingerprint(root) {
  const hash = createHash('sha256');
  const all = INPUTS.flatMap((entry) => files(root, entry)).sort();
  for (const file of all) {
    hash.update(relative(root, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** True when dist must be (re)built: an entry point is missing, there is no stamp, or the inputs changed. */
function isStale(root, current = fingerprint(root)) {
  const dist = join(root, 'dist');
  if (OUTPUTS.some((file) => !existsSync(join(dist, file)))) return true;
  const stampFile = join(dist, STAMP);
  if (!existsSync(stampFile)) return true;
  return readFileSync(stampFile, 'utf8').trim() !== current;
}

/**
 * Builds when stale and stamps dist with the fingerprint taken before the build, so an edit made during
 * the build still counts as a change next time. Returns whether it built.
 */
function ensureBuilt(root, build) {
  const current = fingerprint(root);
  if (!isStale(root, current)) return false;
  build();
  writeFileSync(join(root, 'dist', STAMP), `${current}\n`);
  return true;
}

function npmBuild(root) {
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

module.exports = { fingerprint, isStale, ensureBuilt, INPUTS, OUTPUTS, STAMP };

if (require.main === module) {
  const root = join(__dirname, '..');
  ensureBuilt(root, () => npmBuild(root));
}
