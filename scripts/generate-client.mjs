// `npm run client:generate`: the OpenAPI document of the code into libs/client/openapi.json, then the
// client's types from it with openapi-typescript. CI runs it and fails when the committed files differ.
import { execFileSync } from 'node:child_process';

const run = (args) => execFileSync(process.execPath, args, { stdio: 'inherit' });
run(['-r', './test/support/swc-register.js', 'apps/api/docs/write-document.ts', 'libs/client/openapi.json']);
run(['node_modules/openapi-typescript/bin/cli.js', 'libs/client/openapi.json', '-o', 'libs/client/src/schema.ts', '--alphabetize']);
run(['node_modules/prettier/bin/prettier.cjs', '--write', '--log-level', 'warn', 'libs/client/openapi.json', 'libs/client/src/schema.ts']);
