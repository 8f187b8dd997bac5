const { rmSync } = require('node:fs');
const path = require('node:path');

module.exports = async function globalTeardown() {
  const file = process.env.TEST_PGLITE_CLUSTER;
  if (file) rmSync(path.dirname(file), { recursive: true, force: true });
};
