// API key verification, the platform's hot path: `POST /v1/keys/verify` on the built app next to a bare
// node:http server answering a constant JSON (and plain Fastify, and the same verifier behind raw
// node:http), all over loopback with autocannon, rounds interleaved in the same run; then the
// in-process verify rate with a warm cache. The app runs twice: the api on PostgreSQL (the production
// shape, dist/apps/api/main.js on a throwaway database) when DATABASE_URL (or BENCH_DATABASE_URL) is
// set, and the embedded default (PGlite inside the process, in a temporary DATA_DIR). Besides the rates,
// each server's CPU time per request (from /proc) is printed: on a shared machine it moves far less; and
// the client's (autocannon runs in this process, on the same 2 cores): it parses every header line, so
// the same bare server sending the contract's headers is measured too, to show what they cost alone.
//
// Run with `npm run bench -- api-key-verify` (builds first). Each HTTP measurement is bounded (BENCH_SECONDS,
// default 4: six servers, three rounds, under two minutes in all).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { issueKeys, SERVICE_TOKEN, startApi } from './support/apps.mjs';
import { cpuSecondsOf, freePort, rssOf, startProcess } from './support/processes.mjs';
import { standaloneVerifier } from './support/standalone-verifier.mjs';
import { throwawayDatabase } from './support/databases.mjs';
import { figure, skippedFigure } from './support/report.mjs';
import { median, medianBy } from './support/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KEYS = 50;

async function load(server, seconds = SECONDS) {
  const cpuBefore = cpuSecondsOf(server.pid);
  const clientBefore = process.cpuUsage();
  const result = await autocannon({ url: server.base, connections: CONNECTIONS, duration: seconds, requests: server.requests });
  const client = process.cpuUsage(clientBefore);
  const cpuAfter = cpuSecondsOf(server.pid);
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) {
    const sample = server.requests[0];
    const answer = await fetch(`${server.base}${sample.path}`, sample).then(
      async (response) => `${response.status} ${await response.text()}`,
    );
    throw new Error(
      `${server.label}: ${bad} failed answers (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}); now: ${answer}`,
    );
  }
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    total: result.requests.total,
    cpuMicros: cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total,
    clientCpuMicros: (client.user + client.system) / result.requests.total,
  };
}

async function startReference(script, ...args) {
  const port = await freePort();
  const process_ = await startProcess(join(root, 'test/bench/support', script), [String(port), ...args], {
    env: {},
    ready: async () =>
      (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).ok,
  });
  return { ...process_, pid: process_.child.pid, base: `http://127.0.0.1:${port}` };
}

/** The same KeyVerifier behind raw node:http; resolves with the keys it issued itself. */
async function startRawVerify() {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(root, 'test/bench/support/raw-verify-server.mjs'), String(port), SERVICE_TOKEN, String(KEYS)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const keys = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]));
    });
    child.once('exit', (code) => reject(new Error(`raw verify server exited (${code})`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid,
    keys,
    stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM')))),
  };
}

/** The embedded default on `dataDir`, or with `databaseUrl` the api on PostgreSQL. */
async function startApp({ dataDir, databaseUrl }, logLevel) {
  const env = { LOG_LEVEL: logLevel, BCRYPT_COST: '10' };
  if (databaseUrl) return startApi(databaseUrl, { env });
  const port = await freePort();
  const process_ = await startProcess(join(root, 'dist/apps/embedded/main.js'), [], {
    env: { ...env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PLATFORM_SERVICE_TOKENS: SERVICE_TOKEN },
    ready: async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).status < 500,
    timeoutMs: 180_000,
  });
  return { ...process_, pid: process_.child.pid, base: `http://127.0.0.1:${port}` };
}

const verifyRequests = (keys) =>
  keys.map((key) => ({
    method: 'POST',
    path: '/v1/keys/verify',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_TOKEN}` },
    body: JSON.stringify({ key, endpoint: 'chat.completions' }),
  }));

/** Peak RSS of each sampled process, every 200 ms while `run` runs. */
async function sampleRss(servers, run) {
  const peaks = Object.fromEntries(servers.map(({ key }) => [key, null]));
  const sampler = setInterval(() => {
    for (const { key, pid } of servers) {
      const rss = rssOf(pid);
      if (rss !== null && (peaks[key] === null || rss > peaks[key])) peaks[key] = rss;
    }
  }, 200);
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  return peaks;
}

/** Alternates the reference servers and the apps, so machine noise hits them all alike. */
async function httpComparison() {
  const dataDir = mkdtempSync(join(tmpdir(), 'api-key-bench-'));
  const database = SERVER_URL ? await throwawayDatabase(SERVER_URL, 'bench_verify') : undefined;
  const rounds = [];
  let withRequestLogs;
  let peakRss;
  const started = [];
  try {
    const servers = [];
    const add = async (key, label, starting) => {
      const server = Object.assign(await starting, { key, label });
      started.push(server);
      servers.push(server);
      return server;
    };
    await add('bare', 'bare node:http', startReference('constant-json-server.mjs'));
    await add('bareHeaders', "bare node:http + the contract's headers", startReference('constant-json-server.mjs', 'contract-headers'));
    await add('fastify', 'plain Fastify', startReference('plain-fastify-server.mjs'));
    const raw = await add('raw', 'raw-http verify', startRawVerify());
    raw.requests = verifyRequests(raw.keys);
    if (database) {
      const api = await add('api', 'api on PostgreSQL', startApp({ databaseUrl: database.url }, 'warn'));
      api.requests = verifyRequests(await issueKeys(api.base, KEYS, ['chat', 'models']));
    }
    const embedded = await add('embedded', 'embedded (PGlite)', startApp({ dataDir }, 'warn'));
    embedded.requests = verifyRequests(await issueKeys(embedded.base, KEYS, ['chat', 'models']));
    for (const server of servers) server.requests ??= embedded.requests;
    // warm-up: JIT, and every key into the verification caches
    for (const server of servers) await load(server, 1);
    peakRss = await sampleRss(
      servers.filter(({ key }) => key === 'api' || key === 'embedded'),
      async () => {
        for (let round = 0; round < ROUNDS; round++) {
          const result = {};
          for (const server of servers) result[server.key] = await load(server);
          rounds.push(result);
        }
      },
    );
    await Promise.all(started.splice(0).map((server) => server.stop()));
    // The same data directory again, with Fastify's two log lines per request (the default LOG_LEVEL).
    const logging = await startApp({ dataDir }, 'info');
    started.push(logging);
    await load({ ...logging, requests: embedded.requests }, 1);
    withRequestLogs = await load({ ...logging, requests: embedded.requests }, Math.min(SECONDS, 3));
    return { rounds, withRequestLogs, peakRss, labels: Object.fromEntries(servers.map(({ key, label }) => [key, label])) };
  } finally {
    await Promise.all(started.map((server) => server.stop()));
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The verify route's input check: class-validator (as a DTO route would) against the hand-written one it uses. */
async function inputCheckRates() {
  const { plainToInstance } = require('class-transformer');
  const { IsString, Matches, MaxLength, validate } = require('class-validator');
  const { parseVerifyKeyRequest } = require(join(root, 'dist/libs/api-keys/src/verify-api-key/verify-api-key.dto.js'));
  class VerifyKeyBody {}
  IsString()(VerifyKeyBody.prototype, 'key');
  MaxLength(512)(VerifyKeyBody.prototype, 'key');
  IsString()(VerifyKeyBody.prototype, 'endpoint');
  Matches(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/)(VerifyKeyBody.prototype, 'endpoint');
  const body = { key: 'mmx_' + 'a'.repeat(50), endpoint: 'chat.completions' };
  const options = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };
  const rate = async (check) => {
    let calls = 0;
    const started = performance.now();
    while (performance.now() - started < 1_000) {
      for (let i = 0; i < 200; i++) await check();
      calls += 200;
    }
    return calls / ((performance.now() - started) / 1000);
  };
  return {
    classValidator: await rate(async () => {
      const errors = await validate(plainToInstance(VerifyKeyBody, body), options);
      if (errors.length > 0) throw new Error(JSON.stringify(errors));
    }),
    handWritten: await rate(async () => parseVerifyKeyRequest(body)),
  };
}

async function inProcessRate() {
  const { verifier, keys, close } = await standaloneVerifier(KEYS, ['chat']);
  await new Promise((resolve) => setTimeout(resolve, 500)); // let the log subscription pass the creations
  for (const key of keys) await verifier.verify(key, 'chat.completions');
  let calls = 0;
  let asynchronous = 0;
  const started = performance.now();
  const until = started + Math.min(SECONDS, 3) * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) {
      const answer = verifier.verify(keys[(calls + i) % keys.length], 'chat.completions');
      if (answer instanceof Promise) {
        asynchronous++;
        await answer;
      }
    }
    calls += 1000;
  }
  const rate = calls / ((performance.now() - started) / 1000);
  await close();
  return { rate, asynchronous };
}

const fmt = (value) => Math.round(value).toLocaleString('en-US');

console.log(`autocannon: ${CONNECTIONS} connections, ${SECONDS} s per measurement, ${KEYS} keys in rotation, loopback, ${ROUNDS} rounds`);
console.log(
  `apps: ${SERVER_URL ? 'the api on PostgreSQL (dist/apps/api/main.js, a throwaway database) and ' : ''}the embedded default (dist/apps/embedded/main.js, PGlite in a temporary DATA_DIR), LOG_LEVEL=warn`,
);
const { rounds, withRequestLogs, peakRss, labels } = await httpComparison();
const apps = SERVER_URL ? ['api', 'embedded'] : ['embedded'];
const cpu = (result) =>
  (result.cpuMicros === null ? '' : `, ${result.cpuMicros.toFixed(0)} µs CPU/req`) + `, client ${result.clientCpuMicros.toFixed(0)} µs`;
const line = (key, result, bare) =>
  `${labels[key]} ${fmt(result.rps)} req/s (p99 ${result.p99} ms${cpu(result)}${bare ? `, ${(result.rps / bare.rps).toFixed(2)}x bare` : ''})`;
rounds.forEach((round, index) => {
  console.log(
    `  round ${index + 1}: ${Object.keys(labels)
      .map((key) => line(key, round[key], key === 'bare' ? undefined : round.bare))
      .join(' | ')}`,
  );
});
const ratioOf = (key) => median(rounds.map((round) => round[key].rps / round.bare.rps));
/** Bare node:http's CPU per request over the app's: how much of the machine the app needs per answer, load aside. */
const cpuRatioOf = (key) =>
  rounds[0][key].cpuMicros === null ? null : median(rounds.map((round) => round.bare.cpuMicros / round[key].cpuMicros));
const pidRss = (key) => (peakRss[key] === null ? 'unknown' : `${peakRss[key].toFixed(0)} MB`);
for (const key of apps) {
  const cpuRatio = cpuRatioOf(key);
  console.log(
    `  ${labels[key]}: median ${fmt(median(rounds.map((r) => r[key].rps)))} req/s, p99 ${median(rounds.map((r) => r[key].p99))} ms, ` +
      `${ratioOf(key).toFixed(2)}x bare node:http (aim >= 0.70x)${cpuRatio === null ? '' : `, CPU per request ${cpuRatio.toFixed(2)}x bare's`}; peak RSS ${pidRss(key)}`,
  );
  // the round whose ratio is the median, so value and baseline come from the same measurement
  const mid = medianBy(rounds, (round) => round[key].rps / round.bare.rps);
  const store = key === 'api' ? 'PostgreSQL' : 'PGlite';
  const suffix = key === 'api' ? '' : ' (embedded)';
  figure({
    name: `key verification over HTTP${suffix}`,
    value: mid[key].rps,
    unit: 'req/s',
    baseline: 'bare node:http, constant JSON',
    baselineValue: mid.bare.rps,
    aim: { op: '>=', value: 0.7, of: 'ratio' },
    store,
    note:
      `median of ${ROUNDS} rounds, ${CONNECTIONS} connections; same verifier behind raw node:http ${ratioOf('raw').toFixed(2)}x; ` +
      `bare node:http with the contract's headers ${ratioOf('bareHeaders').toFixed(2)}x` +
      (cpuRatio === null
        ? ''
        : `; CPU per request: bare ${mid.bare.cpuMicros.toFixed(0)} µs, app ${mid[key].cpuMicros.toFixed(0)} µs (${cpuRatio.toFixed(2)}x)`) +
      `; client CPU per request: bare ${mid.bare.clientCpuMicros.toFixed(0)} µs, app ${mid[key].clientCpuMicros.toFixed(0)} µs`,
  });
  figure({
    name: `key verification over HTTP, p99${suffix}`,
    value: median(rounds.map((r) => r[key].p99)),
    unit: 'ms',
    aim: { op: '<', value: 10 },
    store,
  });
}
if (!SERVER_URL) skippedFigure('memory: api RSS during the verify run', 'MB', 'DATABASE_URL is not set (the api runs on PostgreSQL)');
else if (peakRss.api === null) skippedFigure('memory: api RSS during the verify run', 'MB', 'no /proc on this system');
else
  figure({
    name: 'memory: api RSS during the verify run',
    value: peakRss.api,
    unit: 'MB',
    aim: { op: '<', value: 200 },
    store: 'PostgreSQL',
  });
if (peakRss.embedded !== null)
  figure({
    name: 'memory: embedded app RSS during the verify run',
    value: peakRss.embedded,
    unit: 'MB',
    store: 'PGlite',
    note: 'PGlite (the whole database) runs inside this process',
  });
console.log(
  `    for reference: bare node:http with the contract's headers ${ratioOf('bareHeaders').toFixed(2)}x, plain Fastify ${ratioOf('fastify').toFixed(2)}x, the same verifier behind raw node:http ${ratioOf('raw').toFixed(2)}x`,
);
console.log(
  `  with request logs (LOG_LEVEL=info, embedded): POST /v1/keys/verify ${fmt(withRequestLogs.rps)} req/s, p99 ${withRequestLogs.p99} ms${cpu(withRequestLogs)}`,
);
const { rate, asynchronous } = await inProcessRate();
console.log(`in-process KeyVerifier.verify, warm cache: ${fmt(rate)} calls/s (${asynchronous} of them had to wait for a load)`);
figure({ name: 'key verification in-process, warm cache', value: rate, unit: 'calls/s', store: 'PGlite' });
const checks = await inputCheckRates();
console.log(
  `input check of the verify body: class-validator ${fmt(checks.classValidator)} calls/s, hand-written ${fmt(checks.handWritten)} calls/s`,
);
