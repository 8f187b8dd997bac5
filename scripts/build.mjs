// Compiles apps/, libs/ and projections/ with swc into dist/ (same tree), rewriting the @app/* aliases.
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
    '**/*.spec.ts,**/*.e2e-spec.ts,**/test/**',
    '--quiet',
  ],
  { stdio: 'inherit' },
);
