// Password sign-in at the production bcrypt cost (12): POST /v1/auth/login next to raw `bcrypt.compare`
// at cost 12 with the same concurrency on the same cores, rounds interleaved. bcrypt runs on libuv's
// thread pool in both, so the ratio says what the service adds around the hash. Measured on the built
// embedded default (PGlite: the store, the read side and the api share one process) and, when
// DATABASE_URL (or BENCH_DATABASE_URL) is set, on the production shape: the api and the worker
// (dist/apps/api, dist/apps/worker) on a throwaway PostgreSQL database, with Redis when REDIS_URL is set.
// The server CPU per sign-in in the notes is the api's and the worker's (PostgreSQL's backends are
// not counted). The per-address rate limit is raised for the run (RATE_LIMIT_PER_MINUTE).
//
// Run with `npm run bench -- sign-in` (builds first). BENCH_SIGN_INS per measurement (default 64), BENCH_ROUNDS (3), BENCH_WARM_UP (32 a stack),
// BENCH_CONNECTIONS (8).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import bcrypt from 'bcrypt';
import { PASSWORD, SERVER_SECRETS } from './support/apps.mjs';
import { cpuSecondsOf, freePort, startProcess } from './support/processes.mjs';
import { throwawayDatabase } from './support/databases.mjs';
import { figure, skippedFigure } from './support/report.mjs';
import { median, medianBy } from './support/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
// A fixed amount of work on both sides, each timed until its last answer: a time window would drop the
// sign-ins still in flight at its end (up to CONNECTIONS of them, a tenth of an 8 s window at cost 12).
const AMOUNT = Number(process.env.BENCH_SIGN_INS ?? 64);
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const COST = 12;
const ACCOUNTS = 20;
const fmt = (value) => value.toFixed(1);

const cpuMsSince = (before) => {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

/** AMOUNT compares, CONNECTIONS at a time: completed work over the time it took, as for the HTTP side. */
async function rawCompares(hash) {
  let started = 0;
  const cpu = process.cpuUsage();
  const begun = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (started < AMOUNT) {
        started++;
        if (!(await bcrypt.compare(PASSWORD, hash))) throw new Error('bcrypt.compare refused the password');
      }
    }),
  );
  return { rate: AMOUNT / ((performance.now() - begun) / 1000), cpuMs: cpuMsSince(cpu) / AMOUNT };
}

/** Also the CPU per sign-in of the server (every thread: the event loop and bcrypt's pool) and of this client. */
async function signIns(base, pids, emails, amount = AMOUNT) {
  const serverSeconds = () => pids.reduce((sum, pid) => sum + (cpuSecondsOf(pid) ?? NaN), 0);
  const serverCpu = serverSeconds();
  const clientCpu = process.cpuUsage();
  const begun = performance.now();
  let lastAnswer = begun;
  // Timed until the last answer, not until autocannon resolves: with `amount` it resolves at its next
  // sample tick (every second) after the last answer, which added 0.5 s on average (up to 1 s) to each
  // measurement of 7 to 9 s, about 6% taken from the sign-in side only.
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        amount,
        timeout: 120,
        requests: emails.map((email) => ({
          method: 'POST',
          path: '/v1/auth/login',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD }),
        })),
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', () => (lastAnswer = performance.now()));
  });
  const seconds = (lastAnswer - begun) / 1000;
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`sign-in: ${bad} failed answers (non-2xx ${result.non2xx}, errors ${result.errors})`);
  return {
    rate: result.requests.total / seconds,
    p99: result.latency.p99,
    serverCpuMs: ((serverSeconds() - serverCpu) * 1000) / amount,
    clientCpuMs: cpuMsSince(clientCpu) / amount,
  };
}

const COMMON_ENV = { HOST: '127.0.0.1', LOG_LEVEL: 'warn', BCRYPT_COST: String(COST), RATE_LIMIT_PER_MINUTE: '1000000' };

/** The embedded default in a temporary DATA_DIR: one process. */
async function embedded() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sign-in-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  try {
    const app = await startProcess(join(root, 'dist/apps/embedded/main.js'), [], {
      env: { ...COMMON_ENV, DATA_DIR: dataDir, PORT: String(port) },
      ready: async () => (await fetch(`${base}/health`)).status < 500,
      timeoutMs: 180_000,
    });
    return {
      base,
      pids: [app.child.pid],
      stop: async () => {
        await app.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The api and the worker on a throwaway database of SERVER_URL, as production runs them. */
async function onPostgres() {
  const database = await throwawayDatabase(SERVER_URL, 'bench_sign_in');
  const env = {
    ...COMMON_ENV,
    DATABASE_URL: database.url,
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...SERVER_SECRETS,
  };
  const started = [];
  const stop = async () => {
    for (const process_ of started.reverse()) await process_.stop();
    await database.drop();
  };
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    started.push(
      await startProcess(join(root, 'dist/apps/api/main.js'), [], {
        env: { ...env, PORT: String(port) },
        ready: async () => (await fetch(`${base}/health/live`)).status < 500,
        timeoutMs: 180_000,
      }),
    );
    const metricsPort = await freePort();
    started.push(
      await startProcess(join(root, 'dist/apps/worker/main.js'), [], {
        env: { ...env, METRICS_PORT: String(metricsPort) },
        ready: async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status < 500,
        timeoutMs: 180_000,
      }),
    );
    return { base, pids: started.map((process_) => process_.child.pid), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** ACCOUNTS registrations, CONNECTIONS at a time: each hashes at cost 12, one after another they took 5 s a stack. */
async function register(base) {
  const emails = Array.from({ length: ACCOUNTS }, (_, i) => `sign-in-${i}-${Date.now()}@example.com`);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < emails.length) {
        const email = emails[next++];
        const response = await fetch(`${base}/v1/accounts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD }),
        });
        if (!response.ok) throw new Error(`registration: ${response.status} ${await response.text()}`);
      }
    }),
  );
  return emails;
}

const stacks = [{ label: 'embedded default', store: 'PGlite', start: embedded }];
if (SERVER_URL) stacks.push({ label: 'api and worker on PostgreSQL', store: 'PostgreSQL', start: onPostgres });
else skippedFigure('password sign-in at cost 12, api and worker on PostgreSQL', 'sign-ins/s', 'DATABASE_URL is not set');

// Every stack is up for the whole run and each round measures raw bcrypt once, then every stack: one raw
// measurement per stack and round (the stacks one after another) took the script past two minutes
// (130-150 s). A stack waiting for its turn is idle (its polls cost about 1% of a core), like the
// server during the raw measurement.
const running = [];
try {
  for (const stack of stacks) running.push({ ...stack, ...(await stack.start()) });
  for (const stack of running) stack.emails = await register(stack.base);
  // Warm-up, as the other HTTP benches do: the registrations warm their own path, not a sign-in's. At
  // cost 12 a cold stack spent about 4 ms per sign-in in V8's compilers (perf, 2026-12-04), and the
  // rounds of the 02:36 run rose 0.92, 0.93, 0.96x on the embedded default.
  for (const stack of running) await signIns(stack.base, stack.pids, stack.emails, WARM_UP);
  const hash = await bcrypt.hash(PASSWORD, COST);
  console.log(
    `sign-in at bcrypt cost ${COST}: ${CONNECTIONS} concurrent, ${AMOUNT} per measurement, ${ROUNDS} rounds, ${ACCOUNTS} accounts per stack`,
  );
  for (const stack of running) stack.rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const raw = await rawCompares(hash);
    console.log(`  round ${round + 1}: raw bcrypt.compare ${fmt(raw.rate)}/s (CPU ${fmt(raw.cpuMs)} ms per compare)`);
    for (const stack of running) {
      const http = await signIns(stack.base, stack.pids, stack.emails);
      stack.rounds.push({ raw: raw.rate, http });
      console.log(
        `    ${stack.label}: POST /v1/auth/login ${fmt(http.rate)}/s (p99 ${http.p99} ms, ${(http.rate / raw.rate).toFixed(2)}x); ` +
          `CPU per sign-in ${fmt(http.serverCpuMs)} ms in the server, ${fmt(http.clientCpuMs)} ms in this client`,
      );
    }
  }
  for (const { label, store, rounds } of running) {
    const mid = medianBy(rounds, (round) => round.http.rate / round.raw);
    figure({
      name: `password sign-in at cost 12, ${label}`,
      value: mid.http.rate,
      unit: 'sign-ins/s',
      baseline: 'raw bcrypt.compare at cost 12',
      baselineValue: mid.raw,
      aim: { op: '>=', value: 0.95, of: 'ratio' },
      store,
      note: `median of ${ROUNDS}, ${CONNECTIONS} concurrent; p99 ${median(rounds.map((r) => r.http.p99))} ms; server CPU per sign-in ${fmt(median(rounds.map((r) => r.http.serverCpuMs)))} ms`,
    });
  }
} finally {
  for (const stack of running.reverse()) await stack.stop();
}
