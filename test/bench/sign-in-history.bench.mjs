// Does a command cost more on an old account? Sign-in, API key creation and a password reset request
// through HTTP on the built app (embedded default, PGlite in a temporary DATA_DIR, BCRYPT_COST=4), on a
// new account and on one with 10,000 prior sign-ins and 10,000 prior reset requests, interleaved,
// medians and their ratio.
//
// Setting up the history: the app registers both accounts and signs the old one in once; then, with
// the app stopped, 10,000 sessions of the old account (`session.started` + `session.ended`, one stream
// each, as 10,000 sign-ins and sign-outs would leave them), 10,000 guard events of its email
// (`sign_in_guard.failure_recorded`, then a `cleared` every 4) and 10,000 `account.password_reset_requested`
// in its account stream (the one per-request event that stream holds) are appended directly to its store,
// with the reset-mail reaction's checkpoint past them (their mails went out when they were requested); the
// app is started again and the read side left to catch up before anything is measured.
//
// Run with `npm run bench` (builds first), or `node test/bench/sign-in-history.bench.mjs` after a build.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PASSWORD } from './support/apps.mjs';
import { freePort, startProcess } from './support/processes.mjs';
import { figure } from './support/report.mjs';
import { median } from './support/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const PRIOR_SIGN_INS = Number(process.env.BENCH_PRIOR_SIGN_INS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 60);

async function json(base, path, init = {}) {
  const response = await fetch(`${base}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const body = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${body}`);
  return body ? JSON.parse(body) : undefined;
}

async function startApp(dataDir) {
  const port = await freePort();
  const app = await startProcess(join(root, 'dist/apps/embedded/main.js'), [], {
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BCRYPT_COST: '4',
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    ready: async () => (await fetch(`http://127.0.0.1:${port}/health`)).status < 500,
    // A loaded machine can take a minute to start the app.
    timeoutMs: 900_000,
  });
  return { ...app, base: `http://127.0.0.1:${port}` };
}

/** Until every projection and reaction has followed the whole log. */
async function caughtUp(base) {
  for (const deadline = Date.now() + 600_000; Date.now() < deadline;) {
    const health = await json(base, '/health');
    if ([...health.projections, ...health.reactions].every((component) => Number(component.lag) === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the read side did not catch up');
}

async function appendHistory(dataDir, accountId, email) {
  const { openDatabase } = require(join(root, 'dist/libs/database/src/index.js'));
  const { PostgresEventStore } = require(join(root, 'dist/libs/event-store-pg/src/index.js'));
  const { sessionStream, signInGuardStream } = require(join(root, 'dist/libs/sessions/src/index.js'));
  const db = await openDatabase({ dataDir });
  const store = await PostgresEventStore.create(db);
  const started = Date.now();
  const at = (ms) => new Date(Date.now() - 86_400_000 + ms).toISOString();
  const metadata = (occurredAt) => ({ accountId, actor: { kind: 'account', id: accountId }, correlationId: randomUUID(), occurredAt });
  try {
    for (let i = 0; i < PRIOR_SIGN_INS; i++) {
      const sessionId = randomUUID();
      const data = {
        sessionId,
        accountId,
        method: 'password',
        expiresAt: at(i + 3_600_000),
        accountEpoch: 0,
        ip: '127.0.0.1',
        userAgent: 'bench',
      };
      await store.append(
        sessionStream(sessionId),
        [
          { id: randomUUID(), type: 'session.started', schemaVersion: 1, data, metadata: metadata(at(i)) },
          {
            id: randomUUID(),
            type: 'session.ended',
            schemaVersion: 1,
            data: { sessionId, accountId, reason: 'signed_out' },
            metadata: metadata(at(i + 1)),
          },
        ],
        'no_stream',
      );
    }
    const guard = signInGuardStream(email);
    const existing = await store.readStream(guard);
    let revision = existing.length === 0 ? 'no_stream' : existing.at(-1).revision;
    for (let i = 0; i < PRIOR_SIGN_INS; i += 100) {
      const batch = [];
      for (let j = i; j < Math.min(i + 100, PRIOR_SIGN_INS); j++) {
        const cleared = j % 4 === 3;
        batch.push({
          id: randomUUID(),
          type: cleared ? 'sign_in_guard.cleared' : 'sign_in_guard.failure_recorded',
          schemaVersion: 1,
          data: cleared ? { reason: 'signed_in' } : { accountId },
          metadata: metadata(at(j)),
        });
      }
      const result = await store.append(guard, batch, revision);
      revision = result.nextExpectedRevision;
    }
    // End on a clear, as a successful sign-in leaves it.
    await store.append(
      guard,
      [
        {
          id: randomUUID(),
          type: 'sign_in_guard.cleared',
          schemaVersion: 1,
          data: { reason: 'signed_in' },
          metadata: metadata(at(PRIOR_SIGN_INS)),
        },
      ],
      revision,
    );
    const account = `account-${accountId}`;
    let accountRevision = (await store.readStream(account)).at(-1).revision;
    for (let i = 0; i < PRIOR_SIGN_INS; i += 100) {
      const batch = [];
      for (let j = i; j < Math.min(i + 100, PRIOR_SIGN_INS); j++) {
        batch.push({
          id: randomUUID(),
          type: 'account.password_reset_requested',
          schemaVersion: 1,
          data: { requestId: randomUUID(), expiresAt: at(j + 3_600_000) },
          metadata: metadata(at(j)),
        });
      }
      accountRevision = (await store.append(account, batch, accountRevision)).nextExpectedRevision;
    }
    // Each of those requests sent its mail when it was made: the reset-mail reaction is past them, as it
    // would be on a real account. Otherwise the restarted app would work through 10,000 mail jobs (about
    // 40 s at 4 ms each) while the commands are measured.
    await db.query(
      `INSERT INTO reaction_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      ['accounts.password-reset-email', await store.headPosition()],
    );
  } finally {
    await store.close();
    await db.close();
  }
  return Date.now() - started;
}

async function timed(action) {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sign-in-history-bench-'));
  const accounts = { fresh: `fresh-${Date.now()}@example.com`, old: `old-${Date.now()}@example.com` };
  try {
    let app = await startApp(dataDir);
    const ids = {};
    for (const [which, email] of Object.entries(accounts)) {
      ids[which] = (
        await json(app.base, '/v1/accounts', { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) })
      ).accountId;
    }
    await app.stop();
    const setupMs = await appendHistory(dataDir, ids.old, accounts.old);
    process.stdout.write(
      `history: ${PRIOR_SIGN_INS} sessions, ${PRIOR_SIGN_INS} guard events and ${PRIOR_SIGN_INS} reset requests appended in ${setupMs} ms\n`,
    );

    app = await startApp(dataDir);
    await caughtUp(app.base);
    const signIn = (which) => () =>
      json(app.base, '/v1/auth/login', { method: 'POST', body: JSON.stringify({ email: accounts[which], password: PASSWORD }) });
    const tokens = { fresh: (await signIn('fresh')()).accessToken, old: (await signIn('old')()).accessToken };
    const createKey = (which) => () =>
      json(app.base, '/v1/api-keys', {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[which]}` },
        body: JSON.stringify({ name: `bench-${randomUUID().slice(0, 8)}`, scopes: ['chat'] }),
      });

    const requestReset = (which) => () =>
      json(app.base, '/v1/auth/password-reset', { method: 'POST', body: JSON.stringify({ email: accounts[which] }) });

    const samples = { signIn: { fresh: [], old: [] }, createKey: { fresh: [], old: [] }, requestReset: { fresh: [], old: [] } };
    // Warm-up, then interleaved so machine noise hits both accounts alike.
    for (let i = 0; i < 5; i++) for (const which of ['fresh', 'old']) await signIn(which)();
    for (const which of ['fresh', 'old']) await requestReset(which)();
    for (let i = 0; i < SAMPLES; i++) {
      for (const which of i % 2 === 0 ? ['fresh', 'old'] : ['old', 'fresh']) {
        samples.signIn[which].push(await timed(signIn(which)));
        samples.createKey[which].push(await timed(createKey(which)));
        samples.requestReset[which].push(await timed(requestReset(which)));
      }
    }
    await app.stop();

    process.stdout.write(`medians of ${SAMPLES} over HTTP, embedded default, BCRYPT_COST=4\n`);
    for (const [name, label] of [
      ['signIn', 'sign-in (POST /v1/auth/login)'],
      ['createKey', 'key creation (POST /v1/api-keys)'],
      ['requestReset', 'reset request (POST /v1/auth/password-reset)'],
    ]) {
      const fresh = median(samples[name].fresh);
      const old = median(samples[name].old);
      figure({
        name: `command cost on an old account: ${{ signIn: 'sign-in', createKey: 'key creation', requestReset: 'reset request' }[name]}`,
        value: old,
        unit: 'ms',
        baseline: 'the same on a new account',
        baselineValue: fresh,
        aim: { op: '<=', value: 1.1, of: 'ratio' },
        store: 'PGlite',
        note: `${PRIOR_SIGN_INS} prior sign-ins and reset requests, BCRYPT_COST=4, median of ${SAMPLES}`,
      });
      process.stdout.write(
        `${label.padEnd(34)} new account ${fresh.toFixed(2)} ms | ${PRIOR_SIGN_INS} prior sign-ins ${old.toFixed(2)} ms | ratio ${(old / fresh).toFixed(2)}x (aim <= 1.1x)\n`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
