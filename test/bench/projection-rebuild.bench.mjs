// Projection rebuild: the API key listing and the audit trail rebuilt from zero over a log of EVENTS
// events (default 200,000: 40,000 keys of 2,000 accounts, each key created, renamed, its scopes changed,
// renamed again and revoked, the streams interleaved at random in the log), each by the project's
// ProjectionRunner from dist/ as the worker runs it, timed from start to the switch of its views; next
// to a plain batched `INSERT ... SELECT` of the same rows from the events table (the physical limit:
// no event leaves the server), in the same run on the same database. The events are written straight
// into the events table in batches (with their hash chains), not through commands.
//
// PostgreSQL when DATABASE_URL (or BENCH_DATABASE_URL) is set, else the embedded PGlite in memory.
// Run with `npm run bench -- projection-rebuild` (builds first). BENCH_EVENTS (default 200000).
// Beside each rate, the CPU per event of this process (process.cpuUsage) and, when the server runs on
// this machine, of the database's server backends (/proc/<pid>/schedstat): load-robust, unlike the rate.
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { backendCpuNanos, backendCpuNanosBetween } from './support/processes.mjs';
import { figure } from './support/report.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const EVENTS_PER_KEY = 5;
const ACCOUNTS = 2_000;
const WRITE_BATCH = 2_000;
const PLAIN_BATCH = 1_000;
const AIM = 50_000;
const fmt = (value) => Math.round(value).toLocaleString('en-US');

const { PgDatabase, PGliteDatabase } = require(join(root, 'dist/libs/database/src/index.js'));
const { PostgresEventStore } = require(join(root, 'dist/libs/event-store-pg/src/index.js'));
const { chainMetadata } = require(join(root, 'dist/libs/event-store/src/index.js'));
const { ProjectionRunner, ReadSide } = require(join(root, 'dist/libs/projections-runtime/src/index.js'));
const { apiKeyListingProjection } = require(join(root, 'dist/projections/api-key-listing/api-key-listing.projection.js'));
const { auditTrailProjection } = require(join(root, 'dist/projections/audit-trail/audit-trail.projection.js'));

/** `run()` timed, with this process's CPU and the server backends' (those connected at the end; null off this machine). */
async function measured(serverCpu, run) {
  const serverBefore = await serverCpu();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const serverAfter = await serverCpu();
  const serverNanos = backendCpuNanosBetween(serverBefore, serverAfter);
  return { seconds, clientSeconds: (used.user + used.system) / 1e6, serverSeconds: serverNanos === null ? null : serverNanos / 1e9 };
}

async function withDatabase(run) {
  if (!SERVER_URL) {
    const db = await PGliteDatabase.open();
    try {
      return await run(db, 'PGlite (in memory)', async () => null);
    } finally {
      await db.close();
    }
  }
  const name = `bench_rebuild_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: SERVER_URL, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const db = new PgDatabase(url.toString(), { maxConnections: 4 });
  try {
    return await run(db, 'PostgreSQL', () => backendCpuNanos(admin, name));
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** Each key's events in stream order; the streams interleaved at random (a seeded shuffle of picks). */
function* keyEvents() {
  const keys = Math.ceil(EVENTS / EVENTS_PER_KEY);
  const state = Array.from({ length: keys }, (_, i) => ({
    keyId: randomBytes(16).toString('base64url'),
    accountId: `00000000-0000-4000-8000-${String(i % ACCOUNTS).padStart(12, '0')}`,
    revision: 0,
    prevHash: null,
  }));
  const open = state.map((_, i) => i);
  const at = Date.parse('2026-01-01T00:00:00.000Z');
  for (let n = 0; n < EVENTS && open.length > 0; n++) {
    const pick = Math.floor(Math.random() * open.length);
    const key = state[open[pick]];
    const revision = key.revision++;
    if (key.revision === EVENTS_PER_KEY) {
      open[pick] = open[open.length - 1];
      open.pop();
    }
    const [type, data] = [
      [
        'api_key.created',
        {
          keyId: key.keyId,
          accountId: key.accountId,
          name: 'ci',
          prefix: key.keyId.slice(0, 8),
          scopes: ['chat'],
          expiresAt: null,
          rotatedFrom: null,
        },
      ],
      ['api_key.renamed', { keyId: key.keyId, name: 'ci-renamed' }],
      ['api_key.scopes_changed', { keyId: key.keyId, scopes: ['chat', 'models'] }],
      ['api_key.renamed', { keyId: key.keyId, name: `ci-${revision}` }],
      ['api_key.revoked', { keyId: key.keyId }],
    ][revision];
    const event = {
      id: randomUUID(),
      stream: `apiKey-${key.keyId}`,
      revision,
      type,
      schemaVersion: 1,
      data,
      metadata: {
        accountId: key.accountId,
        actor: { kind: 'account', id: key.accountId },
        correlationId: randomUUID(),
        occurredAt: new Date(at + n * 1000).toISOString(),
      },
    };
    const chained = chainMetadata(event, key.prevHash);
    key.prevHash = chained.hash;
    yield { ...event, metadata: chained };
  }
}

async function writeLog(db) {
  let position = 0;
  let batch = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const columns = [[], [], [], [], [], [], []];
    for (const event of batch) {
      columns[0].push(String(++position));
      columns[1].push(event.id);
      columns[2].push(event.stream);
      columns[3].push(event.revision);
      columns[4].push(event.type);
      columns[5].push(JSON.stringify(event.data));
      columns[6].push(JSON.stringify(event.metadata));
    }
    await db.query(
      `INSERT INTO event_store_events (position, id, stream, revision, type, schema_version, data, metadata)
       SELECT p, i, s, r, t, 1, d::jsonb, m::jsonb
       FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::text[]) AS e(p, i, s, r, t, d, m)`,
      columns,
    );
    batch = [];
  };
  for (const event of keyEvents()) {
    batch.push(event);
    if (batch.length === WRITE_BATCH) await flush();
  }
  await flush();
  await db.query(`SELECT setval('event_store_position', $1)`, [String(position)]);
  await db.exec('ANALYZE event_store_events');
  return position;
}

/**
 * From `start()` to the moment the projection's views point at a generation that has every event, as
 * after a deploy with a new version of it: behind the views of the version before (an empty one here),
 * which serve the readers until the switch. (The very first generation is read while it catches up and
 * takes the slower way of writing every table all along.)
 */
async function timedRebuild(db, store, projection, head, serverCpu) {
  await new ProjectionRunner({ ...projection, version: projection.version - 1 }, db, store).ensureTables();
  const runner = new ProjectionRunner(projection, db, store, (error) => {
    throw error;
  });
  const result = await measured(serverCpu, async () => {
    await runner.start();
    for (;;) {
      const { rows } = await db.query(
        `SELECT g.position FROM projection_active a JOIN projection_generations g ON g.name = a.name AND g.generation = a.generation
         WHERE a.name = $1`,
        [projection.name],
      );
      if (rows[0] && BigInt(rows[0].position) >= head) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
  await runner.stop();
  return result;
}

/** The same rows as the two projections, written by the server alone, one statement per PLAIN_BATCH positions. */
async function plainInsertSelect(db, head, serverCpu) {
  await db.exec(`
    CREATE TABLE plain_listing (key_id text PRIMARY KEY, account_id text NOT NULL, name text NOT NULL, prefix text NOT NULL,
      scopes jsonb NOT NULL, created_at timestamptz NOT NULL, expires_at timestamptz, revoked_at timestamptz, rotated_from text);
    CREATE INDEX plain_listing_by_account ON plain_listing (account_id, created_at DESC, key_id DESC);
    CREATE TABLE plain_audit (position bigint PRIMARY KEY, account_id text NOT NULL, stream text NOT NULL, revision integer NOT NULL,
      type text NOT NULL, occurred_at timestamptz NOT NULL);
    CREATE INDEX plain_audit_by_account ON plain_audit (account_id, position);
    CREATE INDEX plain_audit_by_account_type ON plain_audit (account_id, type, position);
    CREATE INDEX plain_audit_by_account_time ON plain_audit (account_id, occurred_at, position);`);
  const timed = (statement) =>
    measured(serverCpu, async () => {
      for (let from = 0n; from < head; from += BigInt(PLAIN_BATCH))
        await db.query(statement, [String(from), String(from + BigInt(PLAIN_BATCH))]);
    });
  return {
    'api-key-listing': await timed(
      `INSERT INTO plain_listing (key_id, account_id, name, prefix, scopes, created_at, expires_at, rotated_from)
       SELECT data->>'keyId', data->>'accountId', data->>'name', data->>'prefix', data->'scopes', (metadata->>'occurredAt')::timestamptz,
              (data->>'expiresAt')::timestamptz, data->>'rotatedFrom'
       FROM event_store_events WHERE position > $1 AND position <= $2 AND type = 'api_key.created'`,
    ),
    'audit-trail': await timed(
      `INSERT INTO plain_audit (position, account_id, stream, revision, type, occurred_at)
       SELECT position, metadata->>'accountId', stream, revision, type, (metadata->>'occurredAt')::timestamptz
       FROM event_store_events WHERE position > $1 AND position <= $2`,
    ),
  };
}

/** CPU per event, in µs: this process's, and the server backends' when known. */
function cpuPerEvent({ clientSeconds, serverSeconds }, events) {
  const client = `client ${((clientSeconds * 1e6) / events).toFixed(1)}`;
  return serverSeconds === null ? client : `${client}, server ${((serverSeconds * 1e6) / events).toFixed(1)}`;
}

await withDatabase(async (db, storeName, serverCpu) => {
  const store = await PostgresEventStore.create(db);
  await ReadSide.migrate(db);
  const writing = performance.now();
  const head = BigInt(await writeLog(db));
  console.log(
    `projection rebuild on ${storeName}: ${fmt(Number(head))} events written in ${((performance.now() - writing) / 1000).toFixed(1)} s`,
  );
  const plain = await plainInsertSelect(db, head, serverCpu);
  for (const projection of [apiKeyListingProjection, auditTrailProjection]) {
    const rebuilt = await timedRebuild(db, store, projection, head, serverCpu);
    const rate = Number(head) / rebuilt.seconds;
    const plainRate = Number(head) / plain[projection.name].seconds;
    console.log(
      `  ${projection.name}: ${rebuilt.seconds.toFixed(1)} s, ${fmt(rate)} events/s (CPU µs/event: ${cpuPerEvent(rebuilt, Number(head))}) | plain batched INSERT ... SELECT of its rows (${PLAIN_BATCH} positions per statement) ${fmt(plainRate)} events/s (${cpuPerEvent(plain[projection.name], Number(head))}) (${(rate / plainRate).toFixed(2)}x)`,
    );
    figure({
      name: `projection rebuild: ${projection.name}`,
      value: rate,
      unit: 'events/s',
      baseline: 'plain batched INSERT ... SELECT of the same rows',
      baselineValue: plainRate,
      aim: { op: '>=', value: AIM },
      store: storeName,
      note: `${fmt(Number(head))} events, from start to the switch of its views; CPU µs/event ${cpuPerEvent(rebuilt, Number(head))}`,
    });
  }
  await store.close();
});
