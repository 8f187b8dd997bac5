import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  built,
  createTemporaryDatabase,
  dumpTables,
  freePort,
  healthy,
  HttpAnswer,
  httpOn,
  liveHeapEnv,
  readLiveHeap,
  SecretFinder,
  ServiceProcess,
  serviceEnv,
  startService,
  TemporaryDatabase,
  until,
} from '@app/testing';
import { codeFor } from '../e2e/mfa/reference-totp';

/**
 * Sustained mixed traffic over HTTP against a real api (`dist/apps/api`) and worker on PostgreSQL: key
 * verification, usage, sign-in, key administration and MFA (sign-in with a TOTP second step, enrolment,
 * settings) from 8 concurrent clients for LOAD_SECONDS (default 180, the issue's three minutes; shorter
 * by hand). Zero 5xx, the api's live heap (used right after a full collection, test/support/live-heap.js)
 * in the second half of the run no more than 20% above the first half (after a warm-up of a fifth of the
 * run), and the projections back to no lag (the worker's `projection_lag_events`) within 30 s after.
 * Prints the rate held and the RSS, which is not the measure: it followed V8's collections, 246 to 357 MB
 * and back in one run whose live heap stayed at 73 to 76 MB, and three CI runs failed a 25% RSS bound.
 * The live heap does grow while bounded caches fill (stream heads, 10,000; opened seals and values,
 * 20,000 each): 1.9% and 4.4% between the halves in two CI runs of 20,600 and 24,100 requests, and up
 * to the caches' size (about 15 MB) on a machine fast enough to fill them. 20% of the 75 MB is past that;
 * a leak of 2 KB a request is not.
 */
const SECONDS = Number(process.env.LOAD_SECONDS ?? 180);
const CLIENTS = 8;
const ACCOUNTS = 10;
const SERVICE_TOKEN = 'load-platform-service-token';
const PASSWORD = 'Xq7#vLp2!mZk9w';
const missing = !process.env.DATABASE_URL
  ? 'DATABASE_URL is not set'
  : !built('api') || !built('worker') || !built('cli')
    ? 'npm run build has not run'
    : undefined;
const describeLoad = missing ? describe.skip : describe;

interface Holder {
  accountId: string;
  email: string;
  token: string;
  key: string;
}

/** A client's own account with a confirmed TOTP factor, and the last time step whose code it typed. */
interface MfaHolder {
  email: string;
  secret: string;
  token: string;
  lastStep: number;
}

const step = (at: number) => Math.floor(at / 30_000);

describeLoad(`mixed traffic on a real api and worker (PostgreSQL)${missing ? ` [skipped: ${missing}]` : ''}`, () => {
  let database: TemporaryDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let http: ReturnType<typeof httpOn>;
  let metricsPort: number;
  let liveHeapFile: string;
  const holders: Holder[] = [];
  const mfaHolders: MfaHolder[] = [];
  /** Every token, key, TOTP secret and recovery code any answer of the run handed out, and the password. */
  const secrets = new SecretFinder();

  beforeAll(async () => {
    database = await createTemporaryDatabase(process.env.DATABASE_URL!, 'load');
    dataDir = mkdtempSync(join(tmpdir(), 'load-'));
    const port = await freePort();
    // LOG_LEVEL info, as in production: the request log is part of what the secret scan reads.
    env = {
      ...serviceEnv(port, SERVICE_TOKEN),
      DATABASE_URL: database.url,
      REDIS_URL: '',
      MAIL_URL: '',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    };
    const plain = httpOn(port);
    http = async (...request) => {
      const answer = await plain(...request);
      secrets.addFrom(answer.body);
      return answer;
    };
    secrets.add('password', PASSWORD);
    liveHeapFile = join(dataDir, 'api-live-heap.jsonl');
    api = startService('api', { ...env, ...liveHeapEnv(liveHeapFile) });
    metricsPort = await freePort();
    worker = startService('worker', { ...env, METRICS_PORT: String(metricsPort) });
    await healthy(port, 60_000, '/health/ready');
    for (let i = 0; i < ACCOUNTS; i++) {
      const email = `load-${i}@example.com`;
      const registered = await http('POST', '/v1/accounts', { email, password: PASSWORD });
      const token = (await http('POST', '/v1/auth/login', { email, password: PASSWORD })).body.accessToken;
      const key = await http('POST', '/v1/api-keys', { name: 'load', scopes: ['chat'] }, token);
      expect([registered.status, key.status]).toEqual([201, 201]);
      holders.push({ accountId: registered.body.accountId, email, token, key: key.body.key });
    }
    for (let i = 0; i < CLIENTS; i++) {
      const email = `load-mfa-${i}@example.com`;
      expect((await http('POST', '/v1/accounts', { email, password: PASSWORD })).status).toBe(201);
      const token = (await http('POST', '/v1/auth/login', { email, password: PASSWORD })).body.accessToken;
      const enrolled = await http('POST', '/v1/me/mfa/totp', {}, token);
      const now = Date.now();
      const confirmed = await http(
        'POST',
        `/v1/me/mfa/totp/${enrolled.body.factorId}/verify`,
        { code: codeFor(enrolled.body.secret, new Date(now)) },
        token,
      );
      expect([enrolled.status, confirmed.status]).toEqual([201, 200]);
      mfaHolders.push({ email, secret: enrolled.body.secret, token, lastStep: step(now) });
    }
  }, 180_000);

  afterAll(async () => {
    for (const child of [api, worker]) child?.child.kill('SIGKILL');
    await Promise.all([api, worker].map((child) => child?.exited()));
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it(
    `holds ${SECONDS} s of mixed traffic: no 5xx, memory flat after warm-up, the projections caught up within seconds after`,
    async () => {
      const counts: Record<string, { ok: number; other: Record<number, number> }> = {};
      let sequence = 0;
      let secondSteps = 0;
      const pick = () => holders[sequence++ % holders.length];
      const kinds: Array<[string, number, (client: number) => Promise<HttpAnswer>]> = [
        ['verify', 40, () => http('POST', '/v1/keys/verify', { key: pick().key, endpoint: 'chat' }, SERVICE_TOKEN)],
        [
          'usage',
          25,
          () =>
            http(
              'POST',
              '/v1/usage',
              {
                accountId: pick().accountId,
                service: 'chat',
                amountMicros: 10,
                idempotencyKey: `load-${sequence++}`,
                occurredAt: new Date().toISOString(),
              },
              SERVICE_TOKEN,
            ),
        ],
        ['sign-in', 10, () => http('POST', '/v1/auth/login', { email: pick().email, password: PASSWORD })],
        [
          'key administration',
          15,
          async () => {
            const holder = pick();
            const created = await http('POST', '/v1/api-keys', { name: 'churn', scopes: ['chat'] }, holder.token);
            if (created.status !== 201) return created;
            const renamed = await http('PATCH', `/v1/api-keys/${created.body.id}`, { name: 'churned' }, holder.token);
            if (renamed.status !== 200) return renamed;
            return http('POST', `/v1/api-keys/${created.body.id}/revoke`, {}, holder.token);
          },
        ],
        [
          'mfa',
          10,
          // One account per client. A TOTP code works once, in its step or the next one (one step of
          // drift): the sign-in completes its second step with the first unused step, and when both are
          // used (at most two per 30 s) the client enrols a second factor (pending, replaced by the next)
          // and reads its settings instead.
          async (client) => {
            const holder = mfaHolders[client];
            const challenge = await http('POST', '/v1/auth/login', { email: holder.email, password: PASSWORD });
            if (challenge.status !== 200) return challenge;
            if (challenge.body.mfaRequired !== true) throw new Error('the sign-in did not ask for its second step');
            const now = Date.now();
            const fresh = [step(now), step(now) + 1].find((candidate) => candidate > holder.lastStep);
            if (fresh !== undefined) {
              const second = await http('POST', '/v1/auth/mfa', {
                mfaToken: challenge.body.mfaToken,
                totpCode: codeFor(holder.secret, new Date(fresh * 30_000)),
              });
              if (second.status === 200) {
                Object.assign(holder, { token: second.body.accessToken, lastStep: fresh });
                secondSteps++;
              }
              return second;
            }
            const enrolled = await http('POST', '/v1/me/mfa/totp', {}, holder.token);
            return enrolled.status === 201 ? http('GET', '/v1/me/mfa', undefined, holder.token) : enrolled;
          },
        ],
      ];
      const weighted = kinds.flatMap(([name, weight, run]) => Array.from({ length: weight }, () => ({ name, run })));

      const started = Date.now();
      const end = started + SECONDS * 1000;
      let requests = 0;
      const client = async (offset: number) => {
        for (let i = offset; Date.now() < end; i += CLIENTS) {
          const { name, run } = weighted[(i * 37) % weighted.length];
          const answer = await run(offset).catch((error: Error) => ({ status: -1, body: { error: error.message } }));
          requests++;
          const count = (counts[name] ??= { ok: 0, other: {} });
          if (answer.status >= 200 && answer.status < 300) count.ok++;
          else count.other[answer.status] = (count.other[answer.status] ?? 0) + 1;
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
      const elapsed = (Date.now() - started) / 1000;
      // The worker's own gauge (METRICS_PORT), summed over every projection, polled until it reads 0.
      const lagMs = await until(
        async () => {
          const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
          const lags = [...scrape.matchAll(/^projection_lag_events\{[^}]*\} (\d+)/gm)].map((match) => Number(match[1]));
          return lags.length > 0 && lags.every((lag) => lag === 0) ? Date.now() - end : undefined;
        },
        60_000,
        'the projections to catch up',
        100,
      );

      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const warm = readLiveHeap(liveHeapFile).filter((sample) => sample.at >= started + (SECONDS * 1000) / 5 && sample.at <= end);
      const half = Math.floor(warm.length / 2);
      const [first, second] = [warm.slice(0, half), warm.slice(half)].map((samples) => ({
        heap: median(samples.map((sample) => sample.heapUsedMb)),
        rss: median(samples.map((sample) => sample.rssMb)),
      }));
      process.stdout.write(
        `[load] ${requests} requests in ${elapsed.toFixed(1)} s = ${(requests / elapsed).toFixed(0)} req/s over ${CLIENTS} clients; ` +
          `by kind ${JSON.stringify(counts)}; api live heap median ${first.heap.toFixed(1)} MB then ${second.heap.toFixed(1)} MB (RSS ${first.rss.toFixed(0)} then ${second.rss.toFixed(0)} MB); ` +
          `projections caught up ${lagMs} ms after; ${secondSteps} sign-ins completed a TOTP second step\n`,
      );
      const failures = Object.entries(counts).flatMap(([name, count]) =>
        Object.entries(count.other).map(([status, n]) => `${name}: ${n} x ${status}`),
      );
      expect(failures).toEqual([]);
      expect(Object.keys(counts).sort()).toEqual(kinds.map(([name]) => name).sort());
      expect(half).toBeGreaterThan(4);
      expect(second.heap).toBeLessThan(first.heap * 1.2);
      expect(lagMs).toBeLessThan(30_000);
      expect(secondSteps).toBeGreaterThanOrEqual(CLIENTS);
    },
    (SECONDS + 240) * 1000,
  );

  it('leaves none of the secrets the run handed out in any event, table row, job payload or log line', async () => {
    const { tables, rows: dump } = await dumpTables(database.open(2));
    const rows = dump.join('\n');
    const logs = api.output() + worker.output();
    // The controls: the events, the jobs and the request log were read, and the run handed out secrets.
    expect(tables).toEqual(expect.arrayContaining(['public.event_store_events', 'public.jobs']));
    expect(rows).toContain(holders[0].key.slice(0, 12));
    expect(logs).toContain('/v1/auth/login');
    expect(secrets.size).toBeGreaterThan(100);
    process.stdout.write(
      `[load] scanned ${dump.length} rows of ${tables.length} tables and ${logs.length} log characters for ${secrets.size} secrets\n`,
    );
    expect([...secrets.findIn('rows', rows), ...secrets.findIn('logs', logs)]).toEqual([]);
  }, 120_000);
});
