// Event appends on PostgreSQL: the project's PostgresEventStore next to Emmett's PostgreSQL store
// (@event-driven-io/emmett-postgresql, a dev dependency) and plain INSERTs into a bare table, in the
// same run and the same server, rounds interleaved. 1,000 streams, 16 writers, each append with the
// exact expected revision; single-event appends (events/s = appends/s) and 100-event appends (events/s;
// the plain baseline is one 100-row multi-VALUES INSERT). Every store gets its own throwaway database.
// CPU per event of this process (process.cpuUsage) is printed too, and, when the server runs on this
// machine, that of the store's server backends (/proc/<pid>/schedstat of its database's connections):
// under a shared machine they are the steadier figures.
//
// Run with `npm run bench -- appends` (builds first). BENCH_SECONDS per measurement (default 4, after 1 s of warm-up;
// 18 measurements, under two minutes),
// BENCH_ROUNDS (default 3), BENCH_WRITERS (16), BENCH_STREAMS (1000).
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { backendCpuNanos, backendCpuNanosBetween } from './support/processes.mjs';
import { figure, skippedFigure } from './support/report.mjs';
import { median } from './support/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = process.env.BENCH_DIST ?? join(root, 'dist');
const require = createRequire(import.meta.url);
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
/** Pools, JIT and the first append of each stream, before each measurement. */
const WARM_UP_SECONDS = 1;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 16);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const fmt = (value) => Math.round(value).toLocaleString('en-US');

const eventData = (n) => ({ accountId: randomUUID(), keyId: randomUUID(), name: `key-${n}`, scopes: ['chat'] });
/** The same writer metadata for every store (the project's adds its chain links to it, Emmett its messageId). */
const eventMetadata = () => {
  const accountId = randomUUID();
  return { accountId, actor: { kind: 'account', id: accountId }, correlationId: randomUUID(), occurredAt: new Date().toISOString() };
};

// Emmett's close() leaves an idle pool of its own behind (dumbo's), whose connections the DROP ... WITH
// (FORCE) below terminates; that pool has no error listener, so its 57P01 would end the process.
process.on('uncaughtException', (error) => {
  if (error?.code === '57P01') return;
  console.error(error);
  process.exit(1);
});

async function withDatabase(prefix, run) {
  const name = `bench_${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: SERVER_URL, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  try {
    return await run(url.toString(), () => backendCpuNanos(admin, name));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * WRITERS loops for SECONDS; writer w owns streams w, w+WRITERS, ... (so every expected revision is
 * exact and no append loses a race) and appends `size` events per call, round-robin over its streams.
 */
async function drive(appendTo, size, revisions, duration = SECONDS, serverCpu = async () => null) {
  let events = 0;
  const until = performance.now() + duration * 1000;
  const serverBefore = await serverCpu();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let s = w; performance.now() < until; s += WRITERS) {
        if (s >= STREAMS) s = w;
        await appendTo(s, revisions[s], size);
        revisions[s] += size;
        events += size;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const serverNanos = backendCpuNanosBetween(serverBefore, await serverCpu());
  return {
    eventsPerSecond: events / seconds,
    cpuMicrosPerEvent: (used.user + used.system) / events,
    serverCpuMicrosPerEvent: serverNanos === null ? null : serverNanos / 1000 / events,
  };
}

async function projectStore(url) {
  const { PgDatabase } = require(join(dist, 'libs/database/src/index.js'));
  const { PostgresEventStore } = require(join(dist, 'libs/event-store-pg/src/index.js'));
  const db = new PgDatabase(url, { maxConnections: WRITERS });
  const store = await PostgresEventStore.create(db);
  const prefix = randomBytes(4).toString('hex');
  let n = 0;
  const newEvent = () => ({ id: randomUUID(), type: 'api_key.created', schemaVersion: 1, data: eventData(n++), metadata: eventMetadata() });
  return {
    append: (s, revision, size) =>
      store.append(`apiKey-${prefix}-${s}`, Array.from({ length: size }, newEvent), revision < 0 ? 'no_stream' : revision),
    close: async () => {
      await store.close();
      await db.close();
    },
  };
}

async function emmettStore(url) {
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  // its own pool, handed in, so it is ended here before the database is dropped
  const pool = new pg.Pool({ connectionString: url, max: WRITERS });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  await store.schema.migrate();
  const prefix = randomBytes(4).toString('hex');
  let n = 0;
  const newEvent = () => ({ type: 'api_key.created', data: eventData(n++), metadata: eventMetadata() });
  return {
    append: (s, revision, size) =>
      store.appendToStream(`apiKey-${prefix}-${s}`, Array.from({ length: size }, newEvent), {
        expectedStreamVersion: revision < 0 ? 'STREAM_DOES_NOT_EXIST' : BigInt(revision + 1),
      }),
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}

async function plainInserts(url) {
  const pool = new pg.Pool({ connectionString: url, max: WRITERS });
  await pool.query(
    `CREATE TABLE IF NOT EXISTS plain_events (position bigserial PRIMARY KEY, id uuid NOT NULL, stream text NOT NULL,
     revision integer NOT NULL, type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL)`,
  );
  const prefix = randomBytes(4).toString('hex');
  let n = 0;
  return {
    append: (s, revision, size) => {
      const values = [];
      const params = [];
      for (let i = 0; i < size; i++) {
        const base = params.length;
        params.push(
          randomUUID(),
          `apiKey-${prefix}-${s}`,
          revision + 1 + i,
          'api_key.created',
          JSON.stringify(eventData(n++)),
          JSON.stringify(eventMetadata()),
        );
        values.push(`($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`);
      }
      return pool.query(`INSERT INTO plain_events (id, stream, revision, type, data, metadata) VALUES ${values.join(', ')}`, params);
    },
    close: () => pool.end(),
  };
}

const STORES = [
  ['project', 'PostgresEventStore', projectStore],
  ['emmett', 'Emmett PostgreSQL', emmettStore],
  ['plain', 'plain INSERT', plainInserts],
];

async function measure(size) {
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const result = {};
    // rotate the order so machine noise hits every store alike
    for (let k = 0; k < STORES.length; k++) {
      const [key, , open] = STORES[(k + round) % STORES.length];
      result[key] = await withDatabase(key, async (url, serverCpu) => {
        const store = await open(url);
        try {
          const revisions = new Array(STREAMS).fill(-1);
          await drive(store.append, size, revisions, WARM_UP_SECONDS);
          return await drive(store.append, size, revisions, SECONDS, serverCpu);
        } finally {
          await store.close();
        }
      });
    }
    rounds.push(result);
    console.log(
      `  ${size}-event round ${round + 1}: ` +
        STORES.map(
          ([key, label]) =>
            `${label} ${fmt(result[key].eventsPerSecond)} events/s (µs CPU/event: ${result[key].cpuMicrosPerEvent.toFixed(0)} here` +
            `${result[key].serverCpuMicrosPerEvent === null ? '' : `, ${result[key].serverCpuMicrosPerEvent.toFixed(0)} server`})`,
        ).join(' | '),
    );
  }
  const med = (key, field = 'eventsPerSecond') => {
    const values = rounds.map((r) => r[key][field]);
    return values.includes(null) ? null : median(values);
  };
  return { rounds, med };
}

if (!SERVER_URL) {
  console.log('appends: skipped (DATABASE_URL is not set)');
  for (const name of ['single-event appends', '100-event appends']) skippedFigure(name, 'events/s', 'DATABASE_URL is not set');
} else {
  console.log(
    `appends on PostgreSQL: ${STREAMS} streams, ${WRITERS} writers, exact expected revision, ${SECONDS} s per measurement, ${ROUNDS} rounds`,
  );
  for (const [size, name, aim] of [
    [1, 'single-event appends', 2.5],
    [100, '100-event appends', 2],
  ]) {
    const { med } = await measure(size);
    const cpuPerStore = (field) =>
      STORES.map(([key]) => `${key === 'project' ? 'project' : key === 'emmett' ? 'Emmett' : 'plain'} ${med(key, field).toFixed(0)}`).join(
        ', ',
      );
    figure({
      name,
      value: med('project'),
      unit: 'events/s',
      baseline: 'Emmett PostgreSQL',
      baselineValue: med('emmett'),
      aim: { op: '>=', value: aim, of: 'ratio' },
      store: 'PostgreSQL',
      note: `median of ${ROUNDS}; µs CPU/event in the bench process: ${cpuPerStore('cpuMicrosPerEvent')}${
        med('project', 'serverCpuMicrosPerEvent') === null ? '' : `; in the server's backends: ${cpuPerStore('serverCpuMicrosPerEvent')}`
      }`,
    });
    figure({
      name: `${name}, plain ${size === 1 ? 'single-row' : '100-row multi-VALUES'} INSERTs`,
      value: med('plain'),
      unit: 'events/s',
      baseline: 'PostgresEventStore',
      baselineValue: med('project'),
      store: 'PostgreSQL',
      note: 'the physical limit the store is measured against: its ratio is plain/store',
    });
  }
}
