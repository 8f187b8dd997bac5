// `npm test [-- jest arguments]`: the parallel phase (every suite but `*.alone.e2e-spec.ts`), then the
// serial phase (the `*.alone.e2e-spec.ts` suites one at a time, so timing and fault tests never share the
// cores with other suites). Arguments go to both phases; a phase none of whose files they select is not
// run. Ends with one `tests: N passed, N failed, N skipped` line for both phases, and fails if either did.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const { print } = require('../test/support/summary-reporter.js');
const jest = ['--experimental-vm-modules', '--no-warnings', path.join(root, 'node_modules/jest/bin/jest.js')];
const args = process.argv.slice(2);
const alone = /\.alone\.e2e-spec\.ts$/;

const listed = spawnSync(process.execPath, [...jest, '--listTests', ...args], { cwd: root, encoding: 'utf8' });
if (listed.status !== 0) {
  process.stderr.write(listed.stderr);
  print({ passed: 0, failed: 1, skipped: 0, skippedReasons: {} });
  process.exit(1);
}
const files = listed.stdout.split('\n').filter((line) => line.startsWith('/'));
const phases = [
  { name: 'parallel', count: files.filter((f) => !alone.test(f)).length, extra: [] },
  { name: 'serial', count: files.filter((f) => alone.test(f)).length, extra: ['--runInBand'] },
];

const workDir = mkdtempSync(path.join(tmpdir(), 'account-service-tests-'));
const total = { passed: 0, failed: 0, skipped: 0, skippedReasons: {} };
let status = 0;
for (const phase of phases) {
  if (phase.count === 0) continue;
  process.stdout.write(`\n=== ${phase.name} phase: ${phase.count} suites\n`);
  const summaryFile = path.join(workDir, `${phase.name}.json`);
  const run = spawnSync(process.execPath, [...jest, ...phase.extra, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TEST_PHASE: phase.name, TEST_SUMMARY_FILE: summaryFile },
  });
  let summary;
  try {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  } catch {
    // Jest stopped before reporting (a configuration error, a crash): the phase counts as one failure.
    summary = { passed: 0, failed: 1, skipped: 0, skippedReasons: {} };
  }
  total.passed += summary.passed;
  total.failed += summary.failed;
  total.skipped += summary.skipped;
  Object.assign(total.skippedReasons, summary.skippedReasons);
  if (run.status !== 0) status = 1;
}
rmSync(workDir, { recursive: true, force: true });
if (files.length === 0 && !args.includes('--passWithNoTests')) {
  process.stdout.write(`No tests found matching ${args.join(' ')}\n`);
  status = 1;
}
print(total);
process.exit(status);
