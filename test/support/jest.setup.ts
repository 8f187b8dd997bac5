import { PGlite } from '@electric-sql/pglite';

// Tests run with a low bcrypt cost through configuration; production keeps the design's default.
process.env.BCRYPT_COST ??= '4';
process.env.LOG_LEVEL ??= 'silent';

// Plain JavaScript, shared with swc-register.js (the processes tests spawn).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFromInitialisedCluster } = require('./pglite-cluster') as { startFromInitialisedCluster(pglite: typeof PGlite): void };
startFromInitialisedCluster(PGlite);
