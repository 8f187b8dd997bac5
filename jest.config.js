/** @type {import('jest').Config} */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;
swcrc.jsc.baseUrl = __dirname;

// ESM-only packages that must go through the transform to load under Jest's CommonJS runtime.
const esmPackages = [
  'otplib',
  '@otplib',
  '@scure',
  '@noble',
  'openid-client',
  'oidc-provider',
  'jose',
  'oauth4webapi',
  '@simplewebauthn',
  '@levischuck',
  '@peculiar',
  'nanoid',
  'quick-lru',
  '@koa',
  'koa',
];

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(swcrc.jsc.paths)) {
  moduleNameMapper[`^${alias.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&')}$`] = `<rootDir>/${target}`;
}

// scripts/test.mjs (`npm test`) runs two phases: `parallel` (every suite but `*.alone.e2e-spec.ts`) and
// `serial` (only those, with --runInBand). Plain `jest` runs everything together.
const alone = '\\.alone\\.e2e-spec\\.ts$';
const phase = process.env.TEST_PHASE;

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/projections', '<rootDir>/test'],
  testMatch: phase === 'serial' ? ['**/*.alone.e2e-spec.ts'] : ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  testPathIgnorePatterns: phase === 'parallel' ? ['/node_modules/', alone] : ['/node_modules/'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swcrc, swcrc: false, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper,
  globalSetup: '<rootDir>/test/support/global-setup.js',
  setupFiles: ['<rootDir>/test/support/jest.setup.ts'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  // A test app (PGlite, migrations, every context) can take over 30 s to start on 2 busy cores.
  testTimeout: 120000,
  // One worker more than the cores: the suites spend much of their time waiting on other processes
  // (PostgreSQL, Redis, the apps and CLIs they start), which two workers on two cores left idle.
  maxWorkers: Number(process.env.JEST_MAX_WORKERS ?? os.availableParallelism() + 1),
};
