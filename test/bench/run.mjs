// `npm run bench` (after `npm run build`): runs every test/bench/*.bench.mjs in turn, each in its own
// process so one benchmark's heap and timers do not disturb the next; `npm run bench -- <name>` runs the
// scripts whose file name contains <name>. Each script prints its figures and reports them through
// support/report.mjs; the run writes them all to one JSON file (BENCH_JSON, default
// test/bench/results/latest.json) with the date, the core count and the stores used.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.mjs') && (!only || name.includes(only)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`no benchmark matches "${only}"\n`);
  process.exit(1);
}

const output = resolve(process.env.BENCH_JSON ?? join(here, 'results/latest.json'));
const figuresFile = join(tmpdir(), `bench-figures-${process.pid}.jsonl`);
rmSync(figuresFile, { force: true });
const startedAt = new Date();
const loadBefore = loadavg()[0];

let failed = 0;
const scripts = [];
for (const file of files) {
  process.stdout.write(`\n=== ${file}\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(here, file)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_FIGURES_FILE: figuresFile },
  });
  scripts.push({ script: file, exit: result.status, seconds: Math.round((Date.now() - started) / 100) / 10 });
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`${file} failed (exit ${result.status})\n`);
  }
}

const figures = existsSync(figuresFile)
  ? readFileSync(figuresFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
rmSync(figuresFile, { force: true });

const stores = ['PGlite (embedded default)'];
if (process.env.DATABASE_URL) stores.push('PostgreSQL (DATABASE_URL)');
if (process.env.REDIS_URL) stores.push('Redis (REDIS_URL)');
const results = {
  date: startedAt.toISOString(),
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  loadAverage: { before: loadBefore, after: loadavg()[0] },
  node: process.version,
  stores,
  only: only ?? null,
  scripts,
  figures,
};
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, JSON.stringify(results, null, 2) + '\n');

const cell = (value) => (value === null || value === undefined ? '-' : String(value));
process.stdout.write(`\n=== summary (${results.date}, ${results.cores} cores, load ${loadBefore.toFixed(1)}) -> ${output}\n`);
for (const f of figures) {
  const verdict = f.skipped ? `skipped: ${f.skipped}` : f.met === null ? '' : f.met ? 'met' : 'MISSED';
  process.stdout.write(
    `${f.name.padEnd(48)} ${cell(f.value).padStart(10)} ${f.unit.padEnd(10)} ${f.baseline ? `vs ${f.baseline} ${cell(f.baselineValue)} = ${cell(f.ratio)}x` : ''} ${f.aim ? `(aim ${f.aim})` : ''} ${verdict}\n`,
  );
}
process.exit(failed > 0 ? 1 : 0);
