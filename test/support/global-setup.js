/**
 * Runs once per `jest` run, before any worker starts: initialises the PGlite cluster every suite's new
 * databases start from (pglite-cluster.js). The workers, and the processes they spawn, inherit its path
 * through the environment.
 */
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  const cluster = await db.dumpDataDir('none');
  await db.close();
  const dir = mkdtempSync(path.join(tmpdir(), 'account-service-pglite-'));
  const file = path.join(dir, 'cluster.tar');
  writeFileSync(file, Buffer.from(await cluster.arrayBuffer()));
  process.env.TEST_PGLITE_CLUSTER = file;
};
