/**
 * A new PGlite database runs initdb, which was most of what starting a test app cost: about 2.1 s of CPU
 * (14 of a test app's 15 s on the loaded 2-core CI machine), where loading the same files from a tarball
 * takes about 0.6 s. global-setup.js keeps that tarball and names it in TEST_PGLITE_CLUSTER; with it, a
 * PGlite created in memory or in a directory that holds no database yet loads those files instead of
 * running initdb. Jest's setup file installs this in every suite; swc-register.js in the processes tests
 * spawn.
 */
const { Blob } = require('node:buffer');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

/** Options that do not change what initdb would have written. */
const SAME_CLUSTER = new Set(['dataDir', 'parsers', 'serializers', 'debug', 'relaxedDurability']);

function startFromInitialisedCluster(PGlite, clusterFile = process.env.TEST_PGLITE_CLUSTER) {
  if (!clusterFile) return;
  const create = PGlite.create.bind(PGlite);
  PGlite.create = (dataDirOrOptions, maybeOptions) => {
    // As PGlite.create reads its arguments: (dataDir?, options?) or (options?).
    const options =
      typeof dataDirOrOptions === 'string' ? { ...maybeOptions, dataDir: dataDirOrOptions } : (dataDirOrOptions ?? maybeOptions ?? {});
    const { dataDir } = options;
    const fresh =
      dataDir === undefined ||
      dataDir.startsWith('memory://') ||
      (!dataDir.includes('://') && !existsSync(path.join(dataDir, 'PG_VERSION')));
    if (!fresh || !Object.keys(options).every((key) => SAME_CLUSTER.has(key))) return create(options);
    return create({ ...options, loadDataDir: new Blob([readFileSync(clusterFile)]) });
  };
}

module.exports = { startFromInitialisedCluster };
