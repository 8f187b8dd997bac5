// The auditors' four answers for an account with 10,000 events, over HTTP against the built embedded
// default (dist/apps/embedded/main.js, PGlite in a temporary DATA_DIR): a page of 1,000 events (first and
// last page, and filtered by type), the state as of an instant (replaying every event), the NDJSON export
// (all of them, streamed) and the verification of every hash chain. Figures are printed, not asserted;
// the aim is under a second each.
//
// The account is made over HTTP (registration, sign-in, KEYS keys); the bulk of its history (key renames,
// as the api-keys decider writes them) is appended to the store directly while the service is stopped,
// because 10,000 PATCH requests take many minutes on a loaded 2-core machine. The service then indexes
// them from the log like any other events before anything is measured.
//
// Run with `npm run bench -- audit` (builds first). BENCH_EVENTS (default 10000), BENCH_ROUNDS (5).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { PASSWORD } from './support/apps.mjs';
import { freePort, startProcess } from './support/processes.mjs';
import { figure } from './support/report.mjs';
import { median } from './support/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const KEYS = 20;
const RENAMES_PER_APPEND = 250;
const AUDITOR = 'auditor@bench.example';

const require = createRequire(import.meta.url);
const { PGliteDatabase } = require(join(root, 'dist/libs/database/src/index.js'));
const { PostgresEventStore } = require(join(root, 'dist/libs/event-store-pg/src/index.js'));

async function call(base, path, { method = 'GET', token, body } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text;
}
const json = async (...args) => {
  const text = await call(...args);
  return text ? JSON.parse(text) : undefined;
};

async function signUp(base, email) {
  const { accountId } = await json(base, '/v1/accounts', { method: 'POST', body: { email, password: PASSWORD } });
  return accountId;
}
const signIn = async (base, email) =>
  (await json(base, '/v1/auth/login', { method: 'POST', body: { email, password: PASSWORD } })).accessToken;

/** The bootstrap admin verifies its address from the .eml in the outbox, then grants itself `auditor`. */
async function auditorToken(base, dataDir) {
  const accountId = await signUp(base, AUDITOR);
  const outbox = join(dataDir, 'outbox');
  let token;
  for (let tries = 0; !token && tries < 200; tries++) {
    await new Promise((r) => setTimeout(r, 100));
    const mails = (() => {
      try {
        return readdirSync(outbox).map((name) => readFileSync(join(outbox, name), 'utf8'));
      } catch {
        return [];
      }
    })();
    const match = mails
      .map((mail) => /verify-email\?token=3D([^\s"&<]+)|verify-email\?token=([^\s"&<]+)/.exec(mail.replace(/=\r?\n/g, '')))
      .find(Boolean);
    token = match ? decodeURIComponent(match[1] ?? match[2]) : undefined;
  }
  if (!token) throw new Error('no verification mail in the outbox');
  await call(base, '/v1/accounts/verify-email', { method: 'POST', body: { token } });
  const admin = await signIn(base, AUDITOR);
  await json(base, `/v1/admin/accounts/${accountId}/roles`, { method: 'PUT', token: admin, body: { roles: ['auditor'] } });
  return admin;
}

async function measure(label, run) {
  const times = [];
  let detail;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    detail = await run();
    times.push(performance.now() - started);
  }
  figure({
    name: `auditor answer: ${label}`,
    value: median(times),
    unit: 'ms',
    aim: { op: '<', value: 1000 },
    store: 'PGlite',
    note: `${EVENTS}-event account, median of ${ROUNDS}`,
  });
  console.log(
    `  ${label.padEnd(44)} median ${median(times).toFixed(0).padStart(5)} ms, max ${Math.max(...times)
      .toFixed(0)
      .padStart(5)} ms${detail ? `  (${detail})` : ''}`,
  );
}

/** Key renames appended as the decider writes them (exact expected revisions), with the service stopped. */
async function appendRenames(dataDir, accountId, keyIds, renames) {
  const db = await PGliteDatabase.open(dataDir);
  const store = await PostgresEventStore.create(db);
  try {
    const perKey = Math.ceil(renames / keyIds.length);
    let written = 0;
    for (const keyId of keyIds) {
      let revision = 0;
      for (let done = 0; done < perKey && written < renames;) {
        const count = Math.min(RENAMES_PER_APPEND, perKey - done, renames - written);
        const events = Array.from({ length: count }, (_, i) => ({
          id: randomUUID(),
          type: 'api_key.renamed',
          schemaVersion: 1,
          data: { keyId, name: `${keyId.slice(0, 6)}-v${done + i}` },
          metadata: {
            accountId,
            actor: { kind: 'account', id: accountId },
            correlationId: randomUUID(),
            occurredAt: new Date().toISOString(),
          },
        }));
        revision = (await store.append(`api_key-${keyId}`, events, revision)).nextExpectedRevision;
        done += count;
        written += count;
      }
    }
  } finally {
    await store.close();
    await db.close();
  }
}

async function startApp(dataDir, port) {
  return startProcess(join(root, 'dist/apps/embedded/main.js'), [], {
    env: { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', BCRYPT_COST: '4', BOOTSTRAP_ADMIN_EMAIL: AUDITOR },
    // Listening is enough: /health says 503 while the read side catches up after the restart.
    ready: async () => (await fetch(`http://127.0.0.1:${port}/health`)).status > 0,
    timeoutMs: 180_000,
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'audit-bench-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
let app = await startApp(dataDir, port);
try {
  await auditorToken(base, dataDir);
  const email = `holder-${Date.now()}@bench.example`;
  const accountId = await signUp(base, email);
  const token = await signIn(base, email);
  const keyIds = [];
  for (let i = 0; i < KEYS; i++) {
    keyIds.push((await json(base, '/v1/api-keys', { method: 'POST', token, body: { name: `key-${i}`, scopes: ['chat'] } })).id);
  }
  await app.stop();
  // reservation, registration, session start, KEYS creations: the rest are renames
  const renames = EVENTS - 3 - KEYS;
  const filling = performance.now();
  await appendRenames(dataDir, accountId, keyIds, renames);
  console.log(
    `account with ${EVENTS} events (${KEYS} keys, ${renames} renames appended in ${((performance.now() - filling) / 1000).toFixed(1)} s)`,
  );
  app = await startApp(dataDir, port);
  const auditor = await signIn(base, AUDITOR);
  const audit = `/v1/audit/accounts/${accountId}`;
  const indexing = performance.now();
  // Indexed when the last page of the event listing ends with the last rename.
  for (let indexed = 0; indexed < EVENTS;) {
    indexed = 0;
    for (let cursor = ''; ;) {
      const page = await json(base, `${audit}/events?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, { token: auditor });
      indexed += page.items.length;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    if (indexed < EVENTS) await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`indexed by the audit trail after the restart in ${((performance.now() - indexing) / 1000).toFixed(1)} s`);

  console.log(
    `each answer over HTTP, ${ROUNDS} rounds (aim: under 1,000 ms); machine load average ${(await import('node:os')).loadavg()[0].toFixed(1)}:`,
  );
  let lastCursor = '';
  await measure('GET events?limit=1000 (first page)', async () => {
    const page = await json(base, `${audit}/events?limit=1000`, { token: auditor });
    return `${page.items.length} events`;
  });
  {
    // the cursor of the second-to-last page
    let cursor = '';
    for (;;) {
      const page = await json(base, `${audit}/events?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, { token: auditor });
      if (!page.nextCursor) break;
      lastCursor = cursor;
      cursor = page.nextCursor;
    }
  }
  await measure('GET events?limit=1000 (a page at the end)', async () => {
    const page = await json(base, `${audit}/events?limit=1000${lastCursor ? `&cursor=${lastCursor}` : ''}`, { token: auditor });
    return `${page.items.length} events`;
  });
  await measure('GET events?type=api_key.created&limit=1000', async () => {
    const page = await json(base, `${audit}/events?type=api_key.created&limit=1000`, { token: auditor });
    return `${page.items.length} events`;
  });
  await measure('GET state (replays every event)', async () => {
    const state = await json(base, `${audit}/state`, { token: auditor });
    return `${state.apiKeys.length} keys`;
  });
  await measure('GET export (NDJSON, every event)', async () => {
    const body = await call(base, `${audit}/export`, { token: auditor });
    return `${body.trimEnd().split('\n').length} lines, ${(body.length / 1e6).toFixed(1)} MB`;
  });
  await measure('GET verify (every chain)', async () => {
    const report = await json(base, `${audit}/verify`, { token: auditor });
    return `${report.events} events in ${report.streams} streams, intact ${report.intact}`;
  });
} finally {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
