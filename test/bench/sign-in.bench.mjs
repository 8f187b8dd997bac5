// Password sign-in at the production bcrypt cost (12): POST /v1/auth/login on the built embedded
// default, next to raw `bcrypt.compare` at cost 12 with the same concurrency on the same cores, rounds
// interleaved. bcrypt runs on libuv's thread pool in both, so the ratio says what the service adds
// around the hash. The per-address rate limit is raised for the run (RATE_LIMIT_PER_MINUTE).
//
// Run with `npm run bench -- sign-in` (builds first). BENCH_SIGN_INS per measurement (default 64), BENCH_ROUNDS (3),
// BENCH_CONNECTIONS (8).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import bcrypt from 'bcrypt';
import { cpuSecondsOf, freePort, startProcess } from './support/processes.mjs';
import { figure } from './support/report.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// A fixed amount of work on both sides, each timed until its last answer: a time window would drop the
// sign-ins still in flight at its end (up to CONNECTIONS of them, a tenth of an 8 s window at cost 12).
const AMOUNT = Number(process.env.BENCH_SIGN_INS ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const COST = 12;
const PASSWORD = 'Xq7#Vb2!Lp9$Zr4&';
const ACCOUNTS = 20;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
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
async function signIns(base, pid, emails) {
  const serverCpu = cpuSecondsOf(pid);
  const clientCpu = process.cpuUsage();
  const begun = performance.now();
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    amount: AMOUNT,
    timeout: 120,
    requests: emails.map((email) => ({
      method: 'POST',
      path: '/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    })),
  });
  const seconds = (performance.now() - begun) / 1000;
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`sign-in: ${bad} failed answers (non-2xx ${result.non2xx}, errors ${result.errors})`);
  return {
    rate: result.requests.total / seconds,
    p99: result.latency.p99,
    serverCpuMs: ((cpuSecondsOf(pid) - serverCpu) * 1000) / AMOUNT,
    clientCpuMs: cpuMsSince(clientCpu) / AMOUNT,
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'sign-in-bench-'));
try {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await startProcess(join(root, 'dist/apps/embedded/main.js'), [], {
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BCRYPT_COST: String(COST),
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    ready: async () => (await fetch(`${base}/health`)).status < 500,
    timeoutMs: 180_000,
  });
  try {
    const emails = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const email = `sign-in-${i}-${Date.now()}@example.com`;
      const response = await fetch(`${base}/v1/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      if (!response.ok) throw new Error(`registration: ${response.status} ${await response.text()}`);
      emails.push(email);
    }
    const hash = await bcrypt.hash(PASSWORD, COST);
    console.log(
      `sign-in at bcrypt cost ${COST}: ${CONNECTIONS} concurrent, ${AMOUNT} per measurement, ${ROUNDS} rounds, ${ACCOUNTS} accounts`,
    );
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const raw = await rawCompares(hash);
      const http = await signIns(base, app.child.pid, emails);
      rounds.push({ raw: raw.rate, http });
      console.log(
        `  round ${round + 1}: raw bcrypt.compare ${fmt(raw.rate)}/s | POST /v1/auth/login ${fmt(http.rate)}/s (p99 ${http.p99} ms, ${(http.rate / raw.rate).toFixed(2)}x)`,
      );
      console.log(
        `    CPU per operation: compare ${fmt(raw.cpuMs)} ms | sign-in ${fmt(http.serverCpuMs)} ms in the server, ${fmt(http.clientCpuMs)} ms in this client`,
      );
    }
    const sorted = [...rounds].sort((a, b) => a.http.rate / a.raw - b.http.rate / b.raw);
    const mid = sorted[Math.floor((sorted.length - 1) / 2)];
    figure({
      name: 'password sign-in at cost 12',
      value: mid.http.rate,
      unit: 'sign-ins/s',
      baseline: 'raw bcrypt.compare at cost 12',
      baselineValue: mid.raw,
      aim: { op: '>=', value: 0.95, of: 'ratio' },
      store: 'PGlite',
      note: `median of ${ROUNDS}, ${CONNECTIONS} concurrent; p99 ${median(rounds.map((r) => r.http.p99))} ms`,
    });
  } finally {
    await app.stop();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
