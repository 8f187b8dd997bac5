/**
 * Runs once per `jest` run, before any worker starts: makes sure the PGlite cluster every suite's new
 * databases start from (pglite-cluster.js) exists, and names it to the workers (and the processes they
 * spawn) through the environment. initdb's output depends only on the PGlite release, so the tarball is
 * kept in the temporary directory under that release's version, for both test phases and later runs.
 */
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
  const packageDir = path.dirname(path.dirname(require.resolve('@electric-sql/pglite')));
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const file = path.join(tmpdir(), `account-service-pglite-${version}-cluster.tar`);
  if (!existsSync(file)) {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create();
    const cluster = await db.dumpDataDir('none');
    await db.close();
    // Written aside and renamed, so a run starting beside this one never reads half a file.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await cluster.arrayBuffer()));
    renameSync(partial, file);
  }
  process.env.TEST_PGLITE_CLUSTER = file;
};
