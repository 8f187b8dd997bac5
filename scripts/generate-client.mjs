// `npm run client:generate`: the OpenAPI document of the code into libs/client/openapi.json, then the
// client's types from it with openapi-typescript. CI runs it and fails when the committed files differ.
// Both are made aside and formatted before either is touched, and a file is replaced (by a rename) only
// when its bytes change: CI type-checks and lints while this runs, and must never read half a file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const run = (args, input) =>
  execFileSync(process.execPath, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'inherit'] });
// Formatted as the file it will be, so Prettier finds the repository's settings for it.
const formatted = (source, file) =>
  run(['node_modules/prettier/bin/prettier.cjs', '--stdin-filepath', file, '--log-level', 'warn'], source);

function replaceIfChanged(file, content) {
  let current;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) return;
  // A suffix that neither tsc, ESLint nor Prettier picks up while it exists.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, content);
  renameSync(partial, file);
}

const workDir = mkdtempSync(path.join(tmpdir(), 'client-generate-'));
try {
  const raw = path.join(workDir, 'openapi.json');
  run(['-r', './test/support/swc-register.js', 'apps/api/docs/write-document.ts', raw]);
  const document = formatted(readFileSync(raw, 'utf8'), 'libs/client/openapi.json');
  writeFileSync(raw, document);
  const schema = formatted(run(['node_modules/openapi-typescript/bin/cli.js', raw, '--alphabetize']), 'libs/client/src/schema.ts');
  replaceIfChanged('libs/client/openapi.json', document);
  replaceIfChanged('libs/client/src/schema.ts', schema);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
