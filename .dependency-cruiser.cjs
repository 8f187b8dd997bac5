/**
 * Layer boundaries, checked in CI:
 * - domain code (libs/<context>/src/domain) imports no framework, driver or infrastructure library,
 *   and none of the framework libraries (`@app/auth`, `@app/config`, `@app/security`, `@app/http`, ...);
 * - a context reaches another only through its public entry (`@app/<lib>` = libs/<lib>/src/index.ts);
 * - projections (`projections/<name>/`) import no context's internals and no application;
 * - no circular imports;
 * - libraries never import applications.
 */
const infrastructurePackages =
  'node_modules/(@nestjs|@fastify|fastify|pg|pg-[a-z]+|@electric-sql|bullmq|ioredis|nodemailer|@eventstore|bcrypt|passport|passport-jwt|pino|openid-client|@simplewebauthn|otplib)/';
const infrastructureLibs = '^libs/(database|event-store-pg|event-store-esdb|messaging|core|http|projections-runtime)/';
const frameworkLibs = '^libs/(auth|config|security)/';
/** Bounded contexts: each a library whose only door is src/index.ts. */
const contexts = '(identity|sessions|api-keys|mfa|billing|recovery|audit|operators|erasure)';

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
      name: 'domain-imports-no-framework-lib',
      severity: 'error',
      comment: "A domain file knows its own context and @app/ddd only; guards, HTTP and config are the slices' business.",
      from: { path: '^libs/[^/]+/src/domain/' },
      to: { path: frameworkLibs },
    },
    {
      name: 'contexts-meet-at-their-public-entry',
      severity: 'error',
      comment: 'Another context is reached through @app/<lib> (its src/index.ts) or a port, never its internals.',
      from: { path: `^libs/${contexts}/`, pathNot: '^libs/$1/' },
      to: { path: `^libs/${contexts}/`, pathNot: [`^libs/${contexts}/src/index\\.ts$`, '^libs/$1/'] },
    },
    {
      name: 'apps-and-tests-use-public-entries',
      severity: 'error',
      comment: 'Applications, projections and end-to-end tests use a context through @app/<lib> only.',
      from: { path: '^(apps|projections|test)/' },
      to: { path: `^libs/${contexts}/src/`, pathNot: `^libs/${contexts}/src/index\\.ts$` },
    },
    {
      name: 'projections-are-read-models-only',
      severity: 'error',
      comment: 'A projection folds stored events (@app/event-store types) into tables (@app/database): nothing else of the framework.',
      from: { path: '^projections/' },
      to: {
        path: ['^apps/', infrastructurePackages, frameworkLibs, '^libs/(event-store-pg|event-store-esdb|messaging|core|http)/'],
      },
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
