// Revocation propagation across api instances: two built api processes (dist/apps/api/main.js) on one
// throwaway PostgreSQL database; CHANGES keys, each verified once on instance B (so B has it cached),
// then revoked through instance A (`POST /v1/api-keys/:id/revoke`) and `POST /v1/keys/verify` polled on
// B until it answers 401, one request after the other. The delay is from sending the revocation; p99 next
// to the seed's 60-second promise. Printed beside it, the same split where A answered: the command on A,
// and what follows its commit (the notification, B's read of the log, B reloading the key). Needs DATABASE_URL (or BENCH_DATABASE_URL); without it the figure says skipped.
//
// Run with `npm run bench -- revocation` (builds first). BENCH_CHANGES (default 200).
import { randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, startProcess } from './support/processes.mjs';
import { figure, skippedFigure } from './support/report.mjs';
import { percentile } from './support/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);
const SERVICE_TOKEN = 'bench-platform-service-token';
const PASSWORD = 'Xq7#Vb2!Lp9$Zr4&';

async function startApi(databaseUrl) {
  const port = await freePort();
  const process_ = await startProcess(join(root, 'dist/apps/api/main.js'), [], {
    env: {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PLATFORM_SERVICE_TOKENS: SERVICE_TOKEN,
      JWT_SECRET: 'bench-jwt-secret-that-is-long-enough-0123456789',
      DATA_ENCRYPTION_KEY: 'bench-data-encryption-key-long-enough-0123456789',
      LOG_LEVEL: 'warn',
      BCRYPT_COST: '10',
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    ready: async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).status < 500,
    timeoutMs: 180_000,
  });
  return { ...process_, base: `http://127.0.0.1:${port}` };
}

async function json(url, init) {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } });
  const body = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${body}`);
  return body ? JSON.parse(body) : undefined;
}

const verifyStatus = async (base, key) =>
  (
    await fetch(`${base}/v1/keys/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_TOKEN}` },
      body: JSON.stringify({ key, endpoint: 'chat.completions' }),
    })
  ).status;

if (!SERVER_URL) {
  console.log('revocation propagation: skipped (DATABASE_URL is not set)');
  skippedFigure('revocation propagation A -> B, p99', 'ms', 'DATABASE_URL is not set');
} else {
  const name = `bench_revocation_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Pool({ connectionString: SERVER_URL, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  try {
    const a = await startApi(url.toString());
    const b = await startApi(url.toString());
    try {
      const email = `revocation-${Date.now()}@example.com`;
      await json(`${a.base}/v1/accounts`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
      const { accessToken } = await json(`${a.base}/v1/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      const auth = { authorization: `Bearer ${accessToken}` };
      const delays = [];
      const commands = [];
      const afterCommit = [];
      for (let i = 0; i < CHANGES; i++) {
        const issued = await json(`${a.base}/v1/api-keys`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ name: `revocation-${i}`, scopes: ['chat'] }),
        });
        // B must know the key first, or there is nothing to propagate
        for (let waited = performance.now(); (await verifyStatus(b.base, issued.key)) !== 200;) {
          if (performance.now() - waited > 30_000) throw new Error('instance B never accepted the new key');
          await new Promise((r) => setTimeout(r, 2));
        }
        const started = performance.now();
        await json(`${a.base}/v1/api-keys/${issued.id}/revoke`, { method: 'POST', headers: auth });
        const answered = performance.now();
        while ((await verifyStatus(b.base, issued.key)) !== 401) {
          if (performance.now() - started > 60_000) throw new Error('instance B still accepts a revoked key after 60 s');
        }
        const refused = performance.now();
        delays.push(refused - started);
        commands.push(answered - started);
        afterCommit.push(refused - answered);
      }
      const p99 = percentile(delays, 0.99);
      console.log(
        `revocation on A, verify polled on B (PostgreSQL), ${CHANGES} changes: median ${percentile(delays, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms`,
      );
      console.log(
        `  the command on A: median ${percentile(commands, 0.5).toFixed(1)} ms, p99 ${percentile(commands, 0.99).toFixed(1)} ms; after A answered: median ${percentile(afterCommit, 0.5).toFixed(1)} ms, p99 ${percentile(afterCommit, 0.99).toFixed(1)} ms`,
      );
      figure({
        name: 'revocation propagation A -> B, p99',
        value: p99,
        unit: 'ms',
        baseline: "the seed's 60-second promise",
        baselineValue: 60000,
        aim: { op: '<', value: 100 },
        store: 'PostgreSQL',
        note: `${CHANGES} changes; median ${percentile(delays, 0.5).toFixed(1)} ms; after A answered p99 ${percentile(afterCommit, 0.99).toFixed(1)} ms`,
      });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
