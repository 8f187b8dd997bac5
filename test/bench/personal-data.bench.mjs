// What the erasure seam (PersonalDataEventStore: seal at append, open on read) costs, against the same
// PostgresEventStore without it, in the same process, rounds interleaved: single-event
// appends (an event with an email, an ip and a user agent, like account.registered, keys warm in the
// cache), reading a 20-event stream, and reading the global log in pages of 500, without and with
// reading the personal fields of each event (the seam opens a field when it is first read). Each store
// has a database of its own (same kind, same appends), so each log holds only its own events. On PGlite
// in memory and, when DATABASE_URL is set, on throwaway PostgreSQL databases. Figures are printed, not asserted.
//
// Besides the wall-clock rates, each phase records this process's CPU time per event (process.cpuUsage):
// the seam's cost is CPU work in this process, and CPU time moves far less with the machine's load than
// wall time does (the database's own work is in another process and the same for both stores).
//
// Run with `npm run bench -- personal-data` (builds first). BENCH_EVENTS (default 1500), BENCH_ROUNDS (5).
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, skippedFigure } from './support/report.mjs';
import { median } from './support/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = process.env.BENCH_DIST ?? join(root, 'dist');
const require = createRequire(import.meta.url);
const { PGliteDatabase, PgDatabase, quoteIdentifier } = require(join(dist, 'libs/database/src/index.js'));
const { PostgresEventStore, SqlDataKeyStore } = require(join(dist, 'libs/event-store-pg/src/index.js'));
const { CachedDataKeyStore, PersonalDataEventStore } = require(join(dist, 'libs/event-store/src/index.js'));
const { EventCatalog } = require(join(dist, 'libs/ddd/src/index.js'));
const { SecretBox } = require(join(dist, 'libs/security/src/index.js'));

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ACCOUNTS = 50;

const catalog = new EventCatalog().register({ 'bench.registered': { version: 1, personal: ['email'] } });
const accounts = Array.from({ length: ACCOUNTS }, () => randomUUID());
const event = (n) => {
  const accountId = accounts[n % ACCOUNTS];
  return {
    id: randomUUID(),
    type: 'bench.registered',
    schemaVersion: 1,
    data: { accountId, email: `holder-${n}@example.com`, plan: 'basic', passwordHashSealed: null },
    metadata: {
      accountId,
      actor: { kind: 'account', id: accountId },
      correlationId: randomUUID(),
      ip: '203.0.113.19',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      occurredAt: new Date().toISOString(),
    },
  };
};

/** Runs `work` (which resolves to the number of events it handled): events per second and CPU µs per event. */
async function timed(work) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const events = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { rate: events / seconds, cpu: (used.user + used.system) / events };
}

function appends(store, label) {
  const prefix = `${label}-${randomBytes(4).toString('hex')}`;
  return timed(async () => {
    for (let n = 0; n < EVENTS; n += 1) await store.append(`${prefix}-${n}`, [event(n)], 'no_stream');
    return EVENTS;
  });
}

/** Long enough to be more than one GC or compilation: 150 reads (3,000 events, ~30 ms of CPU) doubled a round's ratio. */
function streamReads(store, stream) {
  const reads = Math.max(250, Math.floor(EVENTS / 2));
  return timed(async () => {
    for (let n = 0; n < reads; n += 1) await store.readStream(stream);
    return reads * 20;
  });
}

/** `use`: also read each event's personal fields, as a projection that shows them would (the seam opens a field when it is read). */
function logReads(store, use = false) {
  return timed(async () => {
    let after = 0n;
    let read = 0;
    let length = 0;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 500 });
      if (page.length === 0) break;
      read += page.length;
      after = page[page.length - 1].position;
      if (use) for (const { data, metadata } of page) length += String(data.email).length + metadata.ip.length + metadata.userAgent.length;
    }
    if (use && length === 0) throw new Error('no personal field read');
    return read;
  });
}

/**
 * `dbs`: two databases of the same kind, one per store, so each log holds only what its store wrote (in
 * one shared log the seam's reads were half events written in clear, which it passes through untouched:
 * that hid about half of its read cost).
 */
async function measure(label, [plainDb, seamDb]) {
  const plain = await PostgresEventStore.create(plainDb);
  const keys = new CachedDataKeyStore(await SqlDataKeyStore.create(seamDb, new SecretBox('bench-data-encryption-key-of-32-chars!!')));
  const seamInner = await PostgresEventStore.create(seamDb);
  const seam = new PersonalDataEventStore(seamInner, catalog, keys);
  const streams = {};
  for (const [name, store] of [
    ['plain', plain],
    ['seam', seam],
  ]) {
    streams[name] = `${name}-read-${randomUUID()}`;
    await store.append(
      streams[name],
      Array.from({ length: 20 }, (_, n) => event(n)),
      'no_stream',
    );
  }
  await appends(seam, 'warm-seam'); // creates the accounts' keys and warms both paths
  await appends(plain, 'warm-plain');
  // The reads warmed too: cold, the first two rounds cost 18-30 µs per event against about 6 later (JIT
  // and GC threads count in process.cpuUsage), and the median of five rounds read mostly warm-up.
  for (const store of [seam, plain, seam, plain]) {
    await streamReads(store, streams[store === seam ? 'seam' : 'plain']);
    await logReads(store);
    await logReads(store, true);
  }
  const phases = () => ({ append: [], stream: [], log: [], logUsed: [] });
  const results = { plain: phases(), seam: phases() };
  const cpu = { plain: phases(), seam: phases() };
  for (let n = 0; n < ROUNDS; n += 1) {
    for (const [name, store] of n % 2 === 0
      ? [
          ['plain', plain],
          ['seam', seam],
        ]
      : [
          ['seam', seam],
          ['plain', plain],
        ]) {
      for (const [what, run] of [
        ['append', () => appends(store, name)],
        ['stream', () => streamReads(store, streams[name])],
        ['log', () => logReads(store)],
        ['logUsed', () => logReads(store, true)],
      ]) {
        const { rate, cpu: perEvent } = await run();
        results[name][what].push(rate);
        cpu[name][what].push(perEvent);
      }
    }
  }
  const line = (what, unit) => {
    const p = median(results.plain[what]);
    const s = median(results.seam[what]);
    const ratios = results.seam[what].map((value, i) => value / results.plain[what][i]);
    figure({
      name: `erasure seam, ${unit}, ${label}`,
      value: s,
      unit: '/s',
      baseline: 'the same store without the seam',
      baselineValue: p,
      store: label,
    });
    process.stdout.write(
      `${label.padEnd(10)} ${unit.padEnd(32)} plain ${Math.round(p).toString().padStart(7)}/s  seam ${Math.round(s).toString().padStart(7)}/s  ` +
        `cost ${((1 - s / p) * 100).toFixed(1).padStart(5)}% (per-round seam/plain ${ratios.map((r) => r.toFixed(2)).join(' ')})\n`,
    );
    const pc = median(cpu.plain[what]);
    const sc = median(cpu.seam[what]);
    figure({
      name: `erasure seam, CPU per event, ${unit}, ${label}`,
      value: sc,
      unit: 'µs',
      baseline: 'the same store without the seam',
      baselineValue: pc,
      store: label,
    });
    process.stdout.write(
      `${label.padEnd(10)} ${unit.padEnd(32)} CPU/event plain ${pc.toFixed(1).padStart(7)} µs  seam ${sc.toFixed(1).padStart(7)} µs  ` +
        `cost ${((sc / pc - 1) * 100).toFixed(1).padStart(5)}% (per-round seam/plain ${cpu.seam[what].map((v, i) => (v / cpu.plain[what][i]).toFixed(2)).join(' ')})\n`,
    );
  };
  line('append', 'single-event appends');
  line('stream', 'events read (20-event stream)');
  line('log', 'events read (global log, 500/page)');
  line('logUsed', 'events read, personal fields used (log)');
  await plain.close();
  await seam.close();
}

process.stdout.write(`medians of ${ROUNDS} interleaved rounds, ${EVENTS} appends per round, ${ACCOUNTS} accounts\n`);
const pglites = [await PGliteDatabase.open(), await PGliteDatabase.open()];
try {
  await measure('PGlite', pglites);
} finally {
  for (const db of pglites) await db.close();
}

if (process.env.DATABASE_URL) {
  const names = [0, 1].map(() => `bench_seam_${randomBytes(6).toString('hex')}`);
  const admin = new PgDatabase(process.env.DATABASE_URL, { maxConnections: 1 });
  const dbs = [];
  try {
    for (const name of names) {
      await admin.exec(`CREATE DATABASE ${quoteIdentifier(name)}`);
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${name}`;
      dbs.push(new PgDatabase(url.toString()));
    }
    await measure('PostgreSQL', dbs);
  } finally {
    for (const db of dbs) await db.close();
    for (const name of names) await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    await admin.close();
  }
} else {
  process.stdout.write('PostgreSQL: skipped (DATABASE_URL is not set)\n');
  skippedFigure('erasure seam, PostgreSQL', '/s', 'DATABASE_URL is not set');
}
