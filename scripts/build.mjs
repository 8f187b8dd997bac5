// Compiles apps/, libs/ and projections/ with swc into dist/ (same tree), rewriting the @app/* aliases;
// then the hub (apps/hub, a Preact single-page app) with vite into dist/hub, which the api serves at /hub/.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    'node_modules/@swc/cli/bin/swc.js',
    'apps',
    'libs',
    'projections',
    '-d',
    'dist',
    '--config-file',
    '.swcrc',
    '--ignore',
    '**/*.spec.ts,**/*.e2e-spec.ts,**/test/**,apps/hub/**',
    '--quiet',
  ],
  { stdio: 'inherit' },
);
execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'apps/hub/vite.config.mjs'], { stdio: 'inherit' });
