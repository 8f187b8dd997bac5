/**
 * Lets a child process of a test run TypeScript sources directly: `node -r ./test/support/swc-register.js x.ts`.
 * Same swc settings as the build and Jest (.swcrc), aliases resolved against the repository root. The
 * output is kept in the temporary directory by content (as Jest keeps its own): a CLI process of the CLI tests compiles
 * about 470 files, which took it about 2 s each time.
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
swcrc.jsc.baseUrl = root;
const cacheDir = path.join(os.tmpdir(), 'swc-register-cache');
const settings = JSON.stringify([swc.version, swcrc]);

function compile(source, filename) {
  const key = createHash('sha256').update(settings).update('\0').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    const { code } = swc.transformSync(source, { ...swcrc, filename, swcrc: false, sourceMaps: 'inline' });
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed, so a process running beside this one never reads half a file.
      const partial = `${cached}.${process.pid}`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, cached);
    } catch {
      // A cache that cannot be written only costs the next process the compilation.
    }
    return code;
  }
}

require.extensions['.ts'] = function load(module, filename) {
  module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

if (process.env.TEST_PGLITE_CLUSTER) require('./pglite-cluster').startFromInitialisedCluster(require('@electric-sql/pglite').PGlite);
