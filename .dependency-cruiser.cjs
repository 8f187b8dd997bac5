/**
 * Layer boundaries, checked in CI:
 * - domain code (libs/<context>/src/domain, projections' pure folds) imports no framework, driver or
 *   infrastructure library;
 * - no circular imports;
 * - libraries never import applications.
 */
const infrastructurePackages =
  'node_modules/(@nestjs|@fastify|fastify|pg|pg-[a-z]+|@electric-sql|bullmq|ioredis|nodemailer|@eventstore|bcrypt|passport|passport-jwt|pino|openid-client|@simplewebauthn|otplib)/';
const infrastructureLibs = '^libs/(database|event-store-pg|event-store-esdb|messaging|core|http|projections-runtime)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular imports make module load order fragile and hide a missing boundary.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'Domain code is plain TypeScript: no NestJS, no drivers, no I/O. Time and ids are passed in.',
      from: { path: '^libs/[^/]+/src/domain/' },
      to: { path: [infrastructurePackages, infrastructureLibs, '^node:fs', '^fs$'] },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|^data/|\\.d\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
