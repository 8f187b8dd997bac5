// SqlJobQueue throughput with a no-op handler: how many jobs per second it stores (sequential enqueues)
// and runs (claim, handler, completion write), at concurrency 1 and 8, on PGlite in memory and, when
// DATABASE_URL is set, on a throwaway PostgreSQL database. Figures are printed, not asserted.
//
// Run with `npm run bench -- job-queue` (builds first). BENCH_JOBS (default 2000), BENCH_ROUNDS (3).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, skippedFigure } from './support/report.mjs';
import { median } from './support/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = process.env.BENCH_DIST ?? join(root, 'dist');
const require = createRequire(import.meta.url);
const { PGliteDatabase, PgDatabase, quoteIdentifier } = require(join(dist, 'libs/database/src/index.js'));
const { SqlJobQueue } = require(join(dist, 'libs/messaging/src/index.js'));

const JOBS = Number(process.env.BENCH_JOBS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCIES = [1, 8];

async function round(db, concurrency, n) {
  const queueName = `bench-${concurrency}-${n}-${randomBytes(4).toString('hex')}`;
  const jobs = await SqlJobQueue.create(db);
  try {
    let started = Date.now();
    for (let i = 0; i < JOBS; i += 1) await jobs.enqueue(queueName, 'noop', { i }, { jobId: `noop:${i}` });
    const enqueuePerSecond = JOBS / ((Date.now() - started) / 1000);

    let ran = 0;
    let allRan;
    const done = new Promise((resolve) => (allRan = resolve));
    started = Date.now();
    jobs.registerWorker(
      queueName,
      async () => {
        ran += 1;
        if (ran === JOBS) allRan();
      },
      { concurrency },
    );
    await done;
    // The last completions are written after the last handler returns: count until all are.
    while ((await jobs.counts(queueName)).completed < JOBS) await new Promise((r) => setTimeout(r, 5));
    const runPerSecond = JOBS / ((Date.now() - started) / 1000);
    return { enqueuePerSecond, runPerSecond };
  } finally {
    await jobs.close();
  }
}

async function measure(label, db) {
  for (const concurrency of CONCURRENCIES) {
    const results = [];
    for (let n = 0; n < ROUNDS; n += 1) results.push(await round(db, concurrency, n));
    const enqueue = median(results.map((r) => r.enqueuePerSecond));
    const run = median(results.map((r) => r.runPerSecond));
    figure({ name: `job queue enqueue, ${label}, concurrency ${concurrency}`, value: enqueue, unit: 'jobs/s', store: label });
    figure({ name: `job queue run, ${label}, concurrency ${concurrency}`, value: run, unit: 'jobs/s', store: label });
    process.stdout.write(
      `${label.padEnd(11)} concurrency ${String(concurrency).padStart(2)}: enqueue ${Math.round(enqueue)} jobs/s, run ${Math.round(run)} jobs/s (median of ${ROUNDS}, ${JOBS} jobs)\n`,
    );
  }
}

const pglite = await PGliteDatabase.open();
try {
  await measure('PGlite', pglite);
} finally {
  await pglite.close();
}

if (process.env.DATABASE_URL) {
  const name = `bench_jobs_${randomBytes(6).toString('hex')}`;
  const admin = new PgDatabase(process.env.DATABASE_URL, { maxConnections: 1 });
  await admin.exec(`CREATE DATABASE ${quoteIdentifier(name)}`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  const pg = new PgDatabase(url.toString());
  try {
    await measure('PostgreSQL', pg);
  } finally {
    await pg.close();
    await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    await admin.close();
  }
} else {
  process.stdout.write('PostgreSQL: skipped (DATABASE_URL is not set)\n');
  skippedFigure('job queue, PostgreSQL', 'jobs/s', 'DATABASE_URL is not set');
}
