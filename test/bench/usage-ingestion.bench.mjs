// Usage ingestion, a hot route: `POST /v1/usage` in batches of 1,000 records across many accounts, over
// loopback HTTP against the built api on PostgreSQL, next to plain batched INSERTs of the same rows into
// PostgreSQL in the same run; then the spending cap's propagation time across two api instances. Each
// round also prints what a request costs, which moves less than the rates on a shared machine: the api's
// CPU per record (/proc) and the database transactions per request (pg_stat_database).
//
// Needs PostgreSQL: BENCH_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test);
// a throwaway database is created on that server and dropped afterwards. Run with `npm run bench`.
// BENCH_USAGE_PROFILE_DIR=<dir>: the measured api instance writes a CPU profile (`--cpu-prof`) there on exit.
// BENCH_CAP_CHANGES: the spending cap's changes timed across the two instances (default 200).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { createKey, json, SERVICE_TOKEN, signedInHolder, startApi, verifyStatus } from './support/apps.mjs';
import { withThrowawayDatabase } from './support/databases.mjs';
import { cpuSecondsOf } from './support/processes.mjs';
import { figure } from './support/report.mjs';
import { median, percentile } from './support/stats.mjs';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_USAGE_CONNECTIONS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CAP_CHANGES = Number(process.env.BENCH_CAP_CHANGES ?? 200);
const BATCH = 1_000;
const ACCOUNTS = 2_000;
const ACCOUNTS_PER_BATCH = Number(process.env.BENCH_ACCOUNTS_PER_BATCH ?? 20);
const SERVICES = ['chat', 'video', 'models'];

const fmt = (value) => Math.round(value).toLocaleString('en-US');

const accounts = Array.from({ length: ACCOUNTS }, () => randomUUID());
let nextAccount = 0;

/** One batch: 1,000 new records (fresh idempotency keys) spread over 20 accounts. */
function batchRecords() {
  const occurredAt = new Date().toISOString();
  const records = [];
  for (let a = 0; a < ACCOUNTS_PER_BATCH; a++) {
    const accountId = accounts[nextAccount++ % ACCOUNTS];
    for (let i = 0; i < BATCH / ACCOUNTS_PER_BATCH; i++) {
      records.push({ accountId, service: SERVICES[i % 3], amountMicros: 1_000 + i, idempotencyKey: randomUUID(), occurredAt });
    }
  }
  return records;
}

/** The api on `databaseUrl`; with `profile` and BENCH_USAGE_PROFILE_DIR set, it writes a CPU profile there on exit. */
function startUsageApi(databaseUrl, { profile = false } = {}) {
  const profileDir = process.env.BENCH_USAGE_PROFILE_DIR;
  return startApi(databaseUrl, {
    nodeArgs: profile && profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [],
    env: { RATE_LIMIT_PER_MINUTE: '1000000' },
    timeoutMs: 60_000,
  });
}

/** Transactions the bench database has committed or rolled back (the cumulative statistics, flushed about once a second). */
async function transactionsOf(databaseUrl) {
  const pool = new Pool({ connectionString: SERVER_URL, max: 1 });
  try {
    const { rows } = await pool.query(`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1`, [
      new URL(databaseUrl).pathname.slice(1),
    ]);
    return Number(rows[0].n);
  } finally {
    await pool.end();
  }
}

const statisticsFlushed = () => new Promise((resolve) => setTimeout(resolve, 1_200));

/** The records/s, and what one request costs: the api's CPU per record (from /proc) and database transactions per request. */
async function measuredIngestion(api, databaseUrl) {
  await statisticsFlushed();
  const transactions = await transactionsOf(databaseUrl);
  const cpu = cpuSecondsOf(api.child.pid);
  const http = await ingestOverHttp(api.base);
  const cpuPerRecordUs = cpu === null ? null : ((cpuSecondsOf(api.child.pid) - cpu) * 1e6) / (http.requests * BATCH);
  await statisticsFlushed();
  return { ...http, cpuPerRecordUs, transactionsPerRequest: ((await transactionsOf(databaseUrl)) - transactions) / http.requests };
}

async function ingestOverHttp(base) {
  // Bodies are built before the run so the client does not compete with the server for the cores;
  // enough for 300,000 records/s (past 60,000, the pool of 60 a second ran out and failed the run; a
  // warm-up on a quiet moment passed 150,000).
  const expected = Math.ceil(SECONDS * 300) + CONNECTIONS;
  const bodies = Array.from({ length: expected }, () => JSON.stringify({ records: batchRecords() }));
  let taken = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        path: '/v1/usage',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_TOKEN}` },
        setupRequest: (request) => ({ ...request, body: bodies[taken++ % bodies.length] }),
      },
    ],
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(`usage: ${bad} failed answers (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  if (taken > bodies.length) throw new Error(`ran out of fresh bodies (${taken} > ${bodies.length}): raise the pool`);
  return { recordsPerSecond: (result.requests.total * BATCH) / SECONDS, p99: result.latency.p99, requests: result.requests.total };
}

/** The same rows with nothing in between: multi-row INSERTs (unnest of 1,000) into a table keyed like the ledger. */
async function plainInserts(databaseUrl) {
  const pool = new Pool({ connectionString: databaseUrl, max: CONNECTIONS });
  await pool.query(`CREATE TABLE IF NOT EXISTS plain_usage (account_id uuid NOT NULL, idempotency_key text NOT NULL, service text NOT NULL,
    amount_micros bigint NOT NULL, occurred_at timestamptz NOT NULL, PRIMARY KEY (account_id, idempotency_key))`);
  // Enough fresh batches for 400,000 rows/s: on a quiet machine the plain INSERTs pass 200,000.
  const batches = Array.from({ length: Math.ceil(SECONDS * 400) }, () => {
    const records = batchRecords();
    return [
      records.map((r) => r.accountId),
      records.map((r) => r.idempotencyKey),
      records.map((r) => r.service),
      records.map((r) => String(r.amountMicros)),
      records.map((r) => r.occurredAt),
    ];
  });
  let taken = 0;
  let inserted = 0;
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < until) {
          const batch = batches[taken++ % batches.length];
          if (taken > batches.length) throw new Error('ran out of fresh batches');
          await pool.query(
            `INSERT INTO plain_usage (account_id, idempotency_key, service, amount_micros, occurred_at)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[])`,
            batch,
          );
          inserted += BATCH;
        }
      }),
    );
  } finally {
    // Open clients would be killed by the database's drop (57P01, an unhandled error masking this one).
    await pool.end();
  }
  const elapsed = (performance.now() - started) / 1000;
  return { recordsPerSecond: inserted / elapsed };
}

/** A holder on professional with a cap and a key; usage reaching the cap through one instance, verify polled on the other. */
/**
 * CAP_CHANGES changes of one account's spending state on `writer`, each timed until `other` answers
 * verify accordingly: alternately the usage record that reaches the cap (until the key is refused with
 * 429) and the cap raised past it (until it is accepted again), as the 200 changes. One account
 * and one key for all of them: five accounts of their own, registered at cost 10, took longer than 200
 * changes do.
 */
async function capPropagation(writer, other) {
  const holder = await signedInHolder(writer.base, 'cap');
  const { accountId, auth } = holder;
  const { key } = await createKey(writer.base, holder, 'cap', ['chat']);
  await json(`${writer.base}/v1/billing/plan`, { method: 'PUT', headers: auth, body: JSON.stringify({ plan: 'professional' }) });
  const setCap = (capMicros) =>
    json(`${writer.base}/v1/billing/spending-cap`, { method: 'PUT', headers: auth, body: JSON.stringify({ capMicros }) });
  const usage = (amountMicros) =>
    json(`${writer.base}/v1/usage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SERVICE_TOKEN}` },
      body: JSON.stringify({
        accountId,
        service: 'chat',
        amountMicros,
        idempotencyKey: randomUUID(),
        occurredAt: new Date().toISOString(),
      }),
    });
  /** Sends the change, then polls verify on `other` until it answers `status`: from sending, and after the change's answer. */
  const timed = async (change, status) => {
    const started = performance.now();
    await change();
    const answered = performance.now();
    while ((await verifyStatus(other.base, key)) !== status) {
      if (performance.now() - started > 30_000) throw new Error(`the other instance does not answer ${status} 30 s after the change`);
    }
    return { total: performance.now() - started, afterAnswer: performance.now() - answered };
  };
  const crossings = [];
  const raises = [];
  let cap = 1_000_000;
  await setCap(cap);
  await usage(cap - 1);
  for (let i = 0; i < CAP_CHANGES; i += 2) {
    if ((await verifyStatus(other.base, key)) !== 200) throw new Error('the key was refused before the cap was reached');
    crossings.push(await timed(() => usage(1), 429));
    if (i + 1 >= CAP_CHANGES) break;
    cap += 1_000_000;
    raises.push(await timed(() => setCap(cap), 200));
    await usage(999_999); // one micro below the new cap
  }
  return { crossings, raises };
}

console.log(
  `usage ingestion: POST /v1/usage, batches of ${BATCH} records over ${ACCOUNTS_PER_BATCH} accounts (${ACCOUNTS} in rotation), ` +
    `${CONNECTIONS} connections, ${SECONDS} s per measurement, ${ROUNDS} rounds; the built api (dist/apps/api/main.js) on PostgreSQL, LOG_LEVEL=warn. ` +
    `Like with like: the plain INSERTs take records from the same generator, ${BATCH} per statement, over ${CONNECTIONS} connections, ` +
    `into the same database on the same server, interleaved with the HTTP rounds`,
);
await withThrowawayDatabase(SERVER_URL, 'bench_usage', async (databaseUrl) => {
  const writer = await startUsageApi(databaseUrl, { profile: true });
  const other = await startUsageApi(databaseUrl);
  try {
    await ingestOverHttp(writer.base); // warm-up: JIT, connection pools
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const plain = await plainInserts(databaseUrl);
      const http = await measuredIngestion(writer, databaseUrl);
      rounds.push({ plain, http });
      console.log(
        `  round ${round + 1}: plain INSERT ${fmt(plain.recordsPerSecond)} records/s | POST /v1/usage ${fmt(http.recordsPerSecond)} records/s ` +
          `(${http.requests} requests, p99 ${http.p99} ms, ${(http.recordsPerSecond / plain.recordsPerSecond).toFixed(2)}x plain; ` +
          `api CPU ${http.cpuPerRecordUs?.toFixed(1) ?? '?'} µs/record, ${http.transactionsPerRequest.toFixed(1)} database transactions/request)`,
      );
    }
    const ratio = median(rounds.map((r) => r.http.recordsPerSecond / r.plain.recordsPerSecond));
    figure({
      name: 'usage ingestion over HTTP',
      value: median(rounds.map((r) => r.http.recordsPerSecond)),
      unit: 'records/s',
      baseline: 'plain batched INSERTs',
      baselineValue: median(rounds.map((r) => r.plain.recordsPerSecond)),
      aim: { op: '>=', value: 20000 },
      store: 'PostgreSQL',
      note:
        `batches of ${BATCH}, median of ${ROUNDS}; ratio ${ratio.toFixed(2)}x; api CPU ${median(rounds.map((r) => r.http.cpuPerRecordUs ?? 0)).toFixed(1)} µs/record, ` +
        `${median(rounds.map((r) => r.http.transactionsPerRequest)).toFixed(1)} database transactions/request (both instances' log polling included)`,
    });
    console.log(
      `  median: POST /v1/usage ${fmt(median(rounds.map((r) => r.http.recordsPerSecond)))} records/s (aim >= 20,000), ` +
        `plain INSERT ${fmt(median(rounds.map((r) => r.plain.recordsPerSecond)))} records/s, ratio ${ratio.toFixed(2)}x (aim >= 0.50x)`,
    );
    const { crossings, raises } = await capPropagation(writer, other);
    const delays = [...crossings, ...raises].map((d) => d.total);
    const summary = (list) => {
      const totals = list.map((d) => d.total);
      const afterAnswers = list.map((d) => d.afterAnswer);
      return (
        `median ${median(totals).toFixed(1)} ms, p99 ${percentile(totals, 0.99).toFixed(1)} ms ` +
        `(after the change's answer: median ${median(afterAnswers).toFixed(1)} ms)`
      );
    };
    figure({
      name: 'spending cap propagation A -> B, p99',
      value: percentile(delays, 0.99),
      unit: 'ms',
      baseline: "the seed's 60-second promise",
      baselineValue: 60000,
      aim: { op: '<', value: 100 },
      store: 'PostgreSQL',
      note: `${delays.length} changes: ${crossings.length} crossings of the cap by a usage record, ${summary(crossings)}; ${raises.length} raises of the cap, ${summary(raises)}`,
    });
    console.log(
      `spending cap propagation (changes through one api instance, verify polled on another), ${delays.length} changes: ` +
        `p99 ${percentile(delays, 0.99).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms; the cap reached by usage: ${summary(crossings)}; the cap raised: ${summary(raises)}`,
    );
  } finally {
    await Promise.all([writer.stop(), other.stop()]);
  }
});
