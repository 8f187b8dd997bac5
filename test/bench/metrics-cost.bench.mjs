// The metrics' cost on the hot path: `POST /v1/keys/verify` (the fast lane) over loopback HTTP on two
// built embedded apps, one with metrics on (METRICS_TOKEN: every request timed and counted per route and
// status, every verification by outcome) and one with them off, in interleaved rounds (on, off, off, on,
// ...) so the machine's drift hits both alike. The aim: metrics cost under 2% of the throughput.
//
// Run with `npm run bench -- metrics-cost` (builds first). BENCH_SECONDS per round (default 5),
// BENCH_ROUNDS pairs (default 4), BENCH_CONNECTIONS (default 50).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, startProcess } from './support/processes.mjs';
import { figure } from './support/report.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SERVICE_TOKEN = 'bench-platform-service-token';
const METRICS_TOKEN = 'bench-metrics-token-0123456789';
const PASSWORD = 'Xq7#Vb2!Lp9$Zr4&';
const KEYS = 20;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const fmt = (value) => Math.round(value).toLocaleString('en-US');

async function json(url, init) {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } });
  const body = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${body}`);
  return body ? JSON.parse(body) : undefined;
}

async function startApp(metrics) {
  const dataDir = mkdtempSync(join(tmpdir(), `metrics-cost-${metrics ? 'on' : 'off'}-`));
  const port = await freePort();
  const process_ = await startProcess(join(root, 'dist/apps/embedded/main.js'), [], {
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PLATFORM_SERVICE_TOKENS: SERVICE_TOKEN,
      LOG_LEVEL: 'warn',
      BCRYPT_COST: '10',
      METRICS_PORT: '',
      METRICS_TOKEN: metrics ? METRICS_TOKEN : '',
    },
    ready: async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).status < 500,
    timeoutMs: 180_000,
  });
  const base = `http://127.0.0.1:${port}`;
  return { ...process_, base, stop: async () => (await process_.stop(), rmSync(dataDir, { recursive: true, force: true })) };
}

async function issueKeys(base) {
  const email = `metrics-cost-${Date.now()}@example.com`;
  await json(`${base}/v1/accounts`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
  const { accessToken } = await json(`${base}/v1/auth/login`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
  const keys = [];
  for (let i = 0; i < KEYS; i++) {
    const issued = await json(`${base}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name: `bench-${i}`, scopes: ['chat'] }),
    });
    keys.push(issued.key);
  }
  return keys;
}

async function verifyRate(app) {
  const result = await autocannon({
    url: app.base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: app.keys.map((key) => ({
      method: 'POST',
      path: '/v1/keys/verify',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_TOKEN}` },
      body: JSON.stringify({ key, endpoint: 'chat.completions' }),
    })),
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(`verify: ${bad} failed answers (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  return result.requests.total / SECONDS;
}

/** The app with metrics on counts what it served: proof that "on" measured the recording path. */
async function scrapedVerifications(app) {
  const response = await fetch(`${app.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await response.text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('http_requests_total{') && l.includes('route="/v1/keys/verify"') && l.includes('status="200"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

console.log(
  `metrics cost: POST /v1/keys/verify (fast lane), ${CONNECTIONS} connections, ${SECONDS} s per measurement, ${ROUNDS} interleaved pairs; ` +
    'two built embedded apps (dist/apps/embedded/main.js), metrics on (METRICS_TOKEN) and off',
);
const on = await startApp(true);
const off = await startApp(false);
try {
  on.keys = await issueKeys(on.base);
  off.keys = await issueKeys(off.base);
  if ((await fetch(`${off.base}/metrics`)).status !== 404) throw new Error('metrics are served by the app that should have them off');
  await verifyRate(on); // warm-up: JIT, the verification caches
  await verifyRate(off);
  const pairs = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so a trend over the run does not favour one side.
    const first = round % 2 === 0 ? on : off;
    const second = first === on ? off : on;
    const rates = new Map([
      [first, await verifyRate(first)],
      [second, await verifyRate(second)],
    ]);
    pairs.push({ on: rates.get(on), off: rates.get(off) });
    const last = pairs[pairs.length - 1];
    console.log(`  round ${round + 1}: on ${fmt(last.on)} req/s, off ${fmt(last.off)} req/s, on/off ${(last.on / last.off).toFixed(3)}`);
  }
  const counted = await scrapedVerifications(on);
  if (counted === 0) throw new Error('the app with metrics on counted no verification');
  const ratio = median(pairs.map((pair) => pair.on / pair.off));
  figure({
    name: 'key verification with metrics on',
    value: median(pairs.map((pair) => pair.on)),
    unit: 'req/s',
    baseline: 'the same with metrics off',
    baselineValue: median(pairs.map((pair) => pair.off)),
    aim: { op: '>=', value: 0.98, of: 'ratio' },
    store: 'PGlite',
    note: `median of ${ROUNDS} interleaved pairs of the per-pair ratio: ${ratio.toFixed(3)} (cost ${((1 - ratio) * 100).toFixed(1)}%); ${fmt(counted)} verifications counted by the "on" app`,
  });
  console.log(
    `  median on/off ${ratio.toFixed(3)}: metrics cost ${((1 - ratio) * 100).toFixed(1)}% of the throughput (aim under 2%); ` +
      `the "on" app counted ${fmt(counted)} verifications`,
  );
} finally {
  await Promise.all([on.stop(), off.stop()]);
}
