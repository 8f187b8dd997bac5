// API key verification, the platform's hot path: `POST /v1/keys/verify` on the built app (embedded
// default: PGlite in a temporary DATA_DIR) next to a bare node:http server answering a constant JSON,
// both over loopback with autocannon, in the same run; then the in-process verify rate with a warm cache.
//
// Run with `npm run bench` (builds first). Each HTTP measurement is bounded (BENCH_SECONDS, default 5).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { freePort, startProcess } from './support/processes.mjs';
import { standaloneVerifier } from './support/standalone-verifier.mjs';
import { figure, skippedFigure } from './support/report.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SERVICE_TOKEN = 'bench-platform-service-token';
const PASSWORD = 'Xq7#Vb2!Lp9$Zr4&';
const KEYS = 50;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

async function load(url, requests, seconds = SECONDS) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, requests });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(`${url}: ${bad} failed answers (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  return { rps: result.requests.average, p99: result.latency.p99, total: result.requests.total };
}

async function json(url, init) {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } });
  const body = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${body}`);
  return body ? JSON.parse(body) : undefined;
}

async function startReference(script) {
  const port = await freePort();
  const process_ = await startProcess(join(root, 'test/bench/support', script), [String(port)], {
    env: {},
    ready: async () =>
      (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).ok,
  });
  return { ...process_, base: `http://127.0.0.1:${port}` };
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
    keys,
    stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM')))),
  };
}

/** Resident set size in MB from /proc (Linux); null where there is none. */
function rssOf(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function startApp(dataDir, logLevel) {
  const port = await freePort();
  const process_ = await startProcess(join(root, 'dist/apps/embedded/main.js'), [], {
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PLATFORM_SERVICE_TOKENS: SERVICE_TOKEN,
      LOG_LEVEL: logLevel,
      BCRYPT_COST: '10',
    },
    ready: async () => (await fetch(`http://127.0.0.1:${port}/health`)).status < 500,
  });
  return { ...process_, base: `http://127.0.0.1:${port}` };
}

async function issueKeys(base) {
  const email = `bench-${Date.now()}@example.com`;
  await json(`${base}/v1/accounts`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
  const { accessToken } = await json(`${base}/v1/auth/login`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
  const keys = [];
  for (let i = 0; i < KEYS; i++) {
    const issued = await json(`${base}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name: `bench-${i}`, scopes: ['chat', 'models'] }),
    });
    keys.push(issued.key);
  }
  return keys;
}

const verifyRequests = (keys) =>
  keys.map((key) => ({
    method: 'POST',
    path: '/v1/keys/verify',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_TOKEN}` },
    body: JSON.stringify({ key, endpoint: 'chat.completions' }),
  }));

/** Alternates the reference servers and the app, so machine noise hits them all alike. */
async function httpComparison() {
  const dataDir = mkdtempSync(join(tmpdir(), 'api-key-bench-'));
  const rounds = [];
  let withRequestLogs;
  let peakRss = null;
  try {
    const app = await startApp(dataDir, 'warn');
    const bare = await startReference('constant-json-server.mjs');
    const fastify = await startReference('plain-fastify-server.mjs');
    const raw = await startRawVerify();
    let requests;
    try {
      requests = verifyRequests(await issueKeys(app.base));
      const rawRequests = verifyRequests(raw.keys);
      // warm-up: JIT, and every key into the verification caches
      for (const server of [bare, fastify, app]) await load(server.base, requests, 1);
      await load(raw.base, rawRequests, 1);
      const sampler = setInterval(() => {
        const rss = rssOf(app.child.pid);
        if (rss !== null && (peakRss === null || rss > peakRss)) peakRss = rss;
      }, 200);
      for (let round = 0; round < ROUNDS; round++) {
        rounds.push({
          bare: await load(bare.base, requests),
          fastify: await load(fastify.base, requests),
          raw: await load(raw.base, rawRequests),
          app: await load(app.base, requests),
        });
      }
      clearInterval(sampler);
    } finally {
      await Promise.all([app.stop(), bare.stop(), fastify.stop(), raw.stop()]);
    }
    // The same data directory again, with Fastify's two log lines per request (the default LOG_LEVEL).
    const logging = await startApp(dataDir, 'info');
    try {
      await load(logging.base, requests, 1);
      withRequestLogs = await load(logging.base, requests);
    } finally {
      await logging.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { rounds, withRequestLogs, peakRss };
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
console.log('app: the built embedded default (dist/apps/embedded/main.js, PGlite in a temporary DATA_DIR), LOG_LEVEL=warn');
const { rounds, withRequestLogs, peakRss } = await httpComparison();
console.log(`  app RSS during the verify rounds: peak ${peakRss === null ? 'unknown' : `${peakRss.toFixed(0)} MB`}`);
if (peakRss === null) skippedFigure('memory: app RSS during the verify run', 'MB', 'no /proc on this system');
else figure({ name: 'memory: app RSS during the verify run', value: peakRss, unit: 'MB', aim: { op: '<', value: 200 }, store: 'PGlite' });
const line = (name, result, bare) =>
  `${name} ${fmt(result.rps)} req/s (p99 ${result.p99} ms${bare ? `, ${(result.rps / bare.rps).toFixed(2)}x bare` : ''})`;
rounds.forEach(({ bare, fastify, raw, app }, index) => {
  console.log(
    `  round ${index + 1}: ${line('bare node:http', bare)} | ${line('plain Fastify', fastify, bare)} | ${line('raw-http verify', raw, bare)} | ${line('POST /v1/keys/verify', app, bare)}`,
  );
});
const ratioOf = (pick) => median(rounds.map((round) => pick(round).rps / round.bare.rps));
console.log(
  `  median: POST /v1/keys/verify ${fmt(median(rounds.map((r) => r.app.rps)))} req/s, p99 ${median(rounds.map((r) => r.app.p99))} ms`,
);
console.log(`  median ratio to bare node:http: POST /v1/keys/verify ${ratioOf((r) => r.app).toFixed(2)}x (aim >= 0.70x)`);
{
  // the round whose ratio is the median, so value and baseline come from the same measurement
  const sorted = [...rounds].sort((a, b) => a.app.rps / a.bare.rps - b.app.rps / b.bare.rps);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)];
  figure({
    name: 'key verification over HTTP',
    value: mid.app.rps,
    unit: 'req/s',
    baseline: 'bare node:http, constant JSON',
    baselineValue: mid.bare.rps,
    aim: { op: '>=', value: 0.7, of: 'ratio' },
    store: 'PGlite',
    note: `median of ${ROUNDS} rounds, ${CONNECTIONS} connections; same verifier behind raw node:http ${ratioOf((r) => r.raw).toFixed(2)}x`,
  });
  figure({
    name: 'key verification over HTTP, p99',
    value: median(rounds.map((r) => r.app.p99)),
    unit: 'ms',
    aim: { op: '<', value: 10 },
    store: 'PGlite',
  });
}
console.log(
  `    for reference: plain Fastify ${ratioOf((r) => r.fastify).toFixed(2)}x, the same verifier behind raw node:http ${ratioOf((r) => r.raw).toFixed(2)}x`,
);
console.log(`  with request logs (LOG_LEVEL=info): POST /v1/keys/verify ${fmt(withRequestLogs.rps)} req/s, p99 ${withRequestLogs.p99} ms`);
const { rate, asynchronous } = await inProcessRate();
console.log(`in-process KeyVerifier.verify, warm cache: ${fmt(rate)} calls/s (${asynchronous} of them had to wait for a load)`);
figure({ name: 'key verification in-process, warm cache', value: rate, unit: 'calls/s', store: 'PGlite' });
const checks = await inputCheckRates();
console.log(
  `input check of the verify body: class-validator ${fmt(checks.classValidator)} calls/s, hand-written ${fmt(checks.handWritten)} calls/s`,
);
