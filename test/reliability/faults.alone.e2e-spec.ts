import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgDatabase } from '@app/database';
import { Redis } from 'ioredis';
import {
  built,
  createTemporaryDatabase,
  dumpTables,
  findOnPath,
  freePort,
  healthy,
  httpOn,
  ParsedMessage,
  readSideCaughtUp,
  runCli,
  RedisProcess,
  SecretFinder,
  ServiceEntry,
  serviceEnv,
  ServiceProcess,
  SmtpTestServer,
  startService,
  TcpProxy,
  TemporaryDatabase,
  until,
} from '@app/testing';

/**
 * Faults against real processes (`dist/apps/api`, `worker`, `embedded` after `npm run build`) on
 * PostgreSQL, each on loopback and kept to seconds: SIGKILL of the worker, Redis killed, the PostgreSQL
 * connection cut (a TCP proxy in front of the shared server), SMTP down, SIGTERM under traffic. Only
 * private servers are stopped: a redis-server on a free port, an SMTP server of the test, the proxy.
 * Runs alone (`*.alone.e2e-spec.ts`): it measures how processes recover, which a busy machine distorts.
 */
const SERVICE_TOKEN = 'faults-platform-service-token';
const PASSWORD = 'Xq7#vLp2!mZk9w';
const SMTP_DOWN_MS = 60_000;
const PG_DOWN_MS = 5_000;
const redisServer = findOnPath('redis-server');
const missing = !process.env.DATABASE_URL
  ? 'DATABASE_URL is not set'
  : !redisServer
    ? 'redis-server is not on PATH'
    : !built('api') || !built('worker') || !built('embedded') || !built('cli')
      ? 'npm run build has not run'
      : undefined;
const describeFaults = missing ? describe.skip : describe;

describeFaults(`faults on real processes (PostgreSQL, Redis, SMTP)${missing ? ` [skipped: ${missing}]` : ''}`, () => {
  let database: TemporaryDatabase;
  let db: PgDatabase;
  let proxy: TcpProxy;
  let redis: RedisProcess;
  let smtp: SmtpTestServer;
  let smtpPort: number;
  let dataDir: string;
  let port: number;
  let api: ServiceProcess;
  let worker: ServiceProcess | undefined;
  /** Every message every SMTP server of the suite accepted. */
  const received: ParsedMessage[] = [];
  /** Every process the suite started, for the secret scan of their logs. */
  const processes: ServiceProcess[] = [];
  /** Every token and key the suite's answers handed out, and the password. */
  const secrets = new SecretFinder();
  secrets.add('password', PASSWORD);

  const env = (): Record<string, string> => ({
    ...serviceEnv(port, SERVICE_TOKEN),
    DATABASE_URL: proxy.through(database.url),
    REDIS_URL: redis.url,
    MAIL_URL: `smtp://127.0.0.1:${smtpPort}`,
    // Attempts at 0, 0.15, 0.45, 1.05 ... 38.25 and 76.65 s (the tenth and last): a mail whose first try
    // met SMTP down for a minute is sent by the last one, and the suite waits no longer than that.
    JOB_RETRY_DELAY_MS: '150',
    // A job in flight when its worker is killed runs again 5 to 10 s later (BullMQ: one lock duration for
    // the lock to lapse, one stalled-check interval to notice), not 30 to 60 s.
    JOB_LOCK_MS: '5000',
    DATA_DIR: dataDir,
  });
  const http = async (method: string, path: string, body?: unknown, token?: string) => {
    const answer = await httpOn(port)(method, path, body, token);
    secrets.addFrom(answer.body);
    return answer;
  };

  async function startSmtp(): Promise<void> {
    smtp = await SmtpTestServer.start(smtpPort);
    const original = smtp.received.push.bind(smtp.received);
    smtp.received.push = (...messages: ParsedMessage[]) => (received.push(...messages), original(...messages));
  }

  async function start(entry: ServiceEntry): Promise<ServiceProcess> {
    const started = startService(entry, env());
    processes.push(started);
    started.child.once('exit', (code) => {
      if (code !== 0 && code !== null) process.stdout.write(`[faults] ${entry} exited with ${code}:\n${started.output().slice(-4000)}\n`);
    });
    if (entry === 'api') await healthy(port, 60_000, '/health/ready');
    return started;
  }

  async function register(email: string): Promise<string> {
    const answer = await http('POST', '/v1/accounts', { email, password: PASSWORD });
    if (answer.status !== 201) throw new Error(`register ${email}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return String(answer.body.accountId);
  }

  const signIn = (email: string) => http('POST', '/v1/auth/login', { email, password: PASSWORD });

  async function head(): Promise<bigint> {
    const { rows } = await db.query<{ head: string | null }>('SELECT max(position)::text AS head FROM event_store_events');
    return BigInt(rows[0].head ?? 0);
  }

  /** The positions of the active generation of every projection, and of every reaction. */
  async function checkpoints(): Promise<bigint[]> {
    const { rows } = await db.query<{ position: string }>(
      `SELECT g.position::text AS position FROM projection_generations g
         JOIN projection_active a ON a.name = g.name AND a.generation = g.generation
       UNION ALL SELECT position::text FROM reaction_checkpoints`,
    );
    return rows.map((row) => BigInt(row.position));
  }

  const caughtUp = (timeoutMs: number) => readSideCaughtUp(env(), timeoutMs);

  const mailTo = (email: string) => received.filter((message) => message.header('to')?.includes(email));
  const messageIds = (email: string) => new Set(mailTo(email).map((message) => message.header('message-id')));
  /** Until each address has had its one mail (one Message-ID); the failure names those that have not. */
  const eachMailed = (emails: string[], timeoutMs: number, what: string) =>
    until(async () => (emails.every((email) => messageIds(email).size === 1) ? true : undefined), timeoutMs, what).catch((error: Error) => {
      const wrong = emails.filter((email) => messageIds(email).size !== 1).map((email) => `${email}: ${messageIds(email).size}`);
      throw new Error(`${error.message}; Message-IDs per address: ${wrong.join(', ')}`);
    });

  /** Every row of every view (each projection's active generation), as text, in a stable order. */
  async function readModels(): Promise<Record<string, string[]>> {
    const { rows: views } = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1`,
    );
    const snapshot: Record<string, string[]> = {};
    for (const { name } of views) {
      const { rows } = await db.query<{ row: string }>(`SELECT to_jsonb(v)::text AS row FROM "${name}" v`);
      snapshot[name] = rows.map((row) => row.row).sort();
    }
    return snapshot;
  }

  beforeAll(async () => {
    database = await createTemporaryDatabase(process.env.DATABASE_URL!, 'faults');
    db = database.open(2);
    const server = new URL(process.env.DATABASE_URL!);
    proxy = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 5432) });
    redis = new RedisProcess(redisServer!, await freePort());
    await redis.start();
    smtpPort = await freePort();
    await startSmtp();
    dataDir = mkdtempSync(join(tmpdir(), 'faults-'));
    port = await freePort();
    api = await start('api');
    worker = await start('worker');
  }, 120_000);

  afterAll(async () => {
    for (const child of [api, worker]) child?.child.kill('SIGKILL');
    await Promise.all([api, worker].map((child) => child?.exited()));
    await smtp?.close();
    await redis?.kill();
    await proxy?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('SIGKILL of the worker mid projection catch-up and mid mail batch: read models equal a rebuild, every mail arrives, none twice but the jobs in flight', async () => {
    await worker!.stop('SIGTERM');
    const emails = Array.from({ length: 60 }, (_, i) => `killed-${i}@example.com`);
    for (const email of emails) await register(email);
    const holder = await register('usage-holder@example.com');
    // One event per request: a backlog the restarted worker needs a while to work through.
    const usage = (i: number) => ({
      accountId: holder,
      service: 'chat',
      amountMicros: 1000,
      idempotencyKey: `kill-${i}`,
      occurredAt: new Date().toISOString(),
    });
    for (let i = 0; i < 300; i += 10) {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, j) => http('POST', '/v1/usage', usage(i + j), SERVICE_TOKEN)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(202));
    }
    const target = await head();

    worker = await start('worker');
    const killedAt = await until(
      async () => {
        const positions = await checkpoints();
        return positions.some((position) => position > 0n && position < target) ? positions : undefined;
      },
      60_000,
      'the worker to be mid catch-up',
      5,
    );
    await worker.stop('SIGKILL');

    worker = await start('worker');
    const mailsAtKill = await until(async () => (received.length > 0 ? received.length : undefined), 60_000, 'the first mail', 5);
    await worker.stop('SIGKILL');
    process.stdout.write(
      `[faults] killed mid catch-up at ${killedAt.join(',')} of ${target}; mid batch after ${mailsAtKill} of 60 mails\n`,
    );
    expect(mailsAtKill).toBeLessThan(emails.length);

    worker = await start('worker');
    await eachMailed(emails, 60_000, 'every mail');
    await caughtUp(60_000);
    const repeats = received.length - emails.length;
    process.stdout.write(`[faults] ${received.length} messages for 60 mails (${repeats} repeats of a job in flight at a kill)\n`);
    // A job whose mail left but whose completion was not recorded runs again with the same Message-ID:
    // at most the one job in flight (the identity queue runs one at a time) at each of the two kills.
    expect(repeats).toBeLessThanOrEqual(2);

    const afterCrashes = await readModels();
    await worker.stop('SIGTERM');
    for (const projection of ['account-profile', 'billing-usage-daily', 'audit-trail'])
      await runCli(env(), 'projections', 'rebuild', projection);
    expect(await readModels()).toEqual(afterCrashes);
    expect(Object.values(afterCrashes).flat().length).toBeGreaterThan(60);
    worker = await start('worker');
  }, 300_000);

  it('Redis killed during traffic: sign-in and key verification keep working, and the mail of what happened meanwhile arrives once Redis is back', async () => {
    await register('redis-holder@example.com');
    const token = String((await signIn('redis-holder@example.com')).body.accessToken);
    const key = await http('POST', '/v1/api-keys', { name: 'outage', scopes: ['chat'] }, token);
    expect(key.status).toBe(201);
    await caughtUp(30_000);

    await redis.kill();
    const during: string[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await signIn('redis-holder@example.com')).status);
      statuses.push((await http('POST', '/v1/keys/verify', { key: key.body.key, endpoint: 'chat' }, SERVICE_TOKEN)).status);
      during.push(`outage-${i}@example.com`);
      await register(during[i]);
    }
    expect(statuses).toEqual(Array(10).fill(200));
    expect(during.flatMap(mailTo)).toEqual([]);

    await redis.start();
    await eachMailed(during, 60_000, 'the mail queued after Redis came back');
    await caughtUp(30_000);
    expect(during.map((email) => mailTo(email).length)).toEqual(Array(during.length).fill(1));
  }, 180_000);

  it('the PostgreSQL connection cut under traffic: 503 and no partial event, retries with the same idempotency keys double nothing, and the service recovers by itself', async () => {
    const holder = await register('cut-holder@example.com');
    await register('cut-signer@example.com');
    const record = (i: number) => ({
      accountId: holder,
      service: 'chat',
      amountMicros: 1000,
      idempotencyKey: `cut-${i}`,
      occurredAt: new Date().toISOString(),
    });
    const COUNT = 120;
    const statuses = new Map<number, number>();
    const signIns: number[] = [];
    let next = 0;
    const writer = async () => {
      while (next < COUNT) {
        const i = next++;
        statuses.set(
          i,
          await http('POST', '/v1/usage', record(i), SERVICE_TOKEN).then(
            (answer) => answer.status,
            () => -1,
          ),
        );
        if (i % 10 === 0)
          signIns.push(
            await signIn('cut-signer@example.com').then(
              (answer) => answer.status,
              () => -1,
            ),
          );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const traffic = Promise.all([writer(), writer(), writer()]);
    await until(async () => (statuses.size >= 20 ? true : undefined), 30_000, 'traffic before the cut', 5);
    proxy.cut();
    const cutAt = statuses.size;
    await until(async () => (statuses.size >= cutAt + 20 ? true : undefined), 60_000, 'traffic during the cut', 5);
    proxy.restore();
    await traffic;
    expect([api.child.exitCode, worker!.child.exitCode]).toEqual([null, null]);

    const answered = [...statuses.values(), ...signIns];
    process.stdout.write(`[faults] cut after ${cutAt} writes: ${JSON.stringify(countBy(answered))}\n`);
    expect(answered.filter((status) => status !== 202 && status !== 200 && status !== 503)).toEqual([]);
    expect(answered).toContain(503);

    await until(async () => ((await signIn('cut-signer@example.com')).status === 200 ? true : undefined), 30_000, 'sign-in after the cut');
    for (let i = 0; i < COUNT; i++) {
      const retry = await http('POST', '/v1/usage', record(i), SERVICE_TOKEN);
      expect(retry.status).toBe(202);
      expect(Number(retry.body.accepted) + Number(retry.body.duplicates)).toBe(1);
      if (statuses.get(i) === 202) expect(retry.body.duplicates).toBe(1);
    }
    const { rows } = await db.query<{ key: string; times: string }>(
      `SELECT r->>'idempotencyKey' AS key, count(*)::text AS times
         FROM event_store_events, jsonb_array_elements(data->'records') r
        WHERE type = 'billing.usage_recorded' AND data->>'accountId' = $1 GROUP BY 1`,
      [holder],
    );
    expect(rows).toHaveLength(COUNT);
    expect(rows.filter((row) => row.times !== '1')).toEqual([]);
    await caughtUp(60_000);
  }, 240_000);

  it('PostgreSQL restarted under traffic: only 503s meanwhile, and the api and worker recover by themselves with nothing acknowledged lost', async () => {
    const holder = await register('restart-holder@example.com');
    const token = String((await signIn('restart-holder@example.com')).body.accessToken);
    const key = await http('POST', '/v1/api-keys', { name: 'restart', scopes: ['chat'] }, token);
    expect(key.status).toBe(201);
    await caughtUp(30_000);
    const pids = [api.child.pid, worker!.child.pid];

    const answers: Array<{ kind: string; status: number }> = [];
    const registered: string[] = [];
    const recorded: string[] = [];
    let stop = false;
    let n = 0;
    const attempt = async (kind: string, request: () => Promise<{ status: number }>) => {
      const status = await request().then(
        (answer) => answer.status,
        () => -1,
      );
      answers.push({ kind, status });
      return status;
    };
    const client = async () => {
      while (!stop) {
        const i = n++;
        const email = `restart-${i}@example.com`;
        if ((await attempt('register', () => http('POST', '/v1/accounts', { email, password: PASSWORD }))) === 201) registered.push(email);
        const usage = {
          accountId: holder,
          service: 'chat',
          amountMicros: 1000,
          idempotencyKey: `restart-${i}`,
          occurredAt: new Date().toISOString(),
        };
        if ((await attempt('usage', () => http('POST', '/v1/usage', usage, SERVICE_TOKEN))) === 202) recorded.push(usage.idempotencyKey);
        await attempt('sign-in', () => signIn('restart-holder@example.com'));
        await attempt('verify', () => http('POST', '/v1/keys/verify', { key: key.body.key, endpoint: 'chat' }, SERVICE_TOKEN));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const traffic = Promise.all([client(), client(), client()]);
    await until(async () => (answers.length >= 30 ? true : undefined), 30_000, 'traffic before the restart', 5);
    const before = answers.length;
    await proxy.restart(PG_DOWN_MS);
    const during = answers.length - before;
    await until(async () => (answers.length >= before + during + 60 ? true : undefined), 60_000, 'traffic after the restart', 5);
    stop = true;
    await traffic;

    const byStatus = countBy(answers.map((answer) => answer.status));
    process.stdout.write(
      `[faults] PostgreSQL down ${PG_DOWN_MS} ms under traffic: ${JSON.stringify(byStatus)}, ${during} answers meanwhile\n`,
    );
    expect(answers.filter((answer) => ![200, 201, 202, 503].includes(answer.status))).toEqual([]);
    expect(answers.map((answer) => answer.status)).toContain(503);
    // The same processes, recovered by themselves: the last answers of every kind are successes again.
    expect([api.child.pid, worker!.child.pid]).toEqual(pids);
    expect([api.child.exitCode, worker!.child.exitCode]).toEqual([null, null]);
    const last = answers.slice(-12);
    expect(last.filter((answer) => answer.status === 503)).toEqual([]);

    for (const email of registered) expect((await signIn(email)).status).toBe(200);
    for (const idempotencyKey of recorded) {
      const again = await http(
        'POST',
        '/v1/usage',
        { accountId: holder, service: 'chat', amountMicros: 1000, idempotencyKey, occurredAt: new Date().toISOString() },
        SERVICE_TOKEN,
      );
      expect({ idempotencyKey, duplicates: again.body.duplicates }).toEqual({ idempotencyKey, duplicates: 1 });
    }
    await caughtUp(60_000);
    await eachMailed(registered, 60_000, 'the mail of every registration acknowledged around the restart');
    expect(registered.length).toBeGreaterThan(10);
  }, 240_000);

  it(
    'SMTP down for a minute: the mail waits and arrives once, later, when SMTP is back',
    async () => {
      await caughtUp(30_000);
      await smtp.close();
      const downAt = Date.now();
      const emails = ['smtp-down-1@example.com', 'smtp-down-2@example.com', 'smtp-down-3@example.com'];
      for (const email of emails) await register(email);
      await caughtUp(30_000);
      await new Promise((resolve) => setTimeout(resolve, SMTP_DOWN_MS - (Date.now() - downAt)));
      expect(emails.flatMap(mailTo)).toEqual([]);

      await startSmtp();
      const backAt = Date.now();
      await eachMailed(emails, 60_000, 'the mail after SMTP came back');
      process.stdout.write(
        `[faults] SMTP down ${((backAt - downAt) / 1000).toFixed(1)} s; the mail came ${((Date.now() - backAt) / 1000).toFixed(1)} s after it was back\n`,
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(emails.map((email) => mailTo(email).length)).toEqual([1, 1, 1]);
    },
    SMTP_DOWN_MS + 120_000,
  );

  it('SIGTERM to a busy api and to a busy worker: each exits within 10 s, and after a restart nothing acknowledged is lost', async () => {
    const acknowledged: string[] = [];
    let stop = false;
    let n = 0;
    const registering = async () => {
      while (!stop) {
        const email = `term-${n++}@example.com`;
        const answer = await http('POST', '/v1/accounts', { email, password: PASSWORD }).catch(() => undefined);
        if (answer?.status === 201) acknowledged.push(email);
      }
    };
    const traffic = Promise.all([registering(), registering(), registering(), registering()]);
    await until(async () => (acknowledged.length >= 20 ? true : undefined), 60_000, 'traffic before SIGTERM', 5);
    const apiStop = await api.stop('SIGTERM');
    const workerStop = await worker!.stop('SIGTERM');
    stop = true;
    await traffic;
    process.stdout.write(
      `[faults] under traffic: api exited in ${apiStop.ms} ms (${apiStop.code}), worker in ${workerStop.ms} ms (${workerStop.code})\n`,
    );
    expect(apiStop).toEqual({ ms: expect.any(Number), code: 0 });
    expect(workerStop).toEqual({ ms: expect.any(Number), code: 0 });
    expect(Math.max(apiStop.ms, workerStop.ms)).toBeLessThan(10_000);

    api = await start('api');
    worker = await start('worker');
    for (const email of acknowledged) expect((await signIn(email)).status).toBe(200);
    await eachMailed(acknowledged, 60_000, 'the mail of every registration');
  }, 240_000);

  it('SIGTERM to a busy embedded process: it exits within 10 s, releases DATA_DIR, and a restart loses nothing', async () => {
    const embeddedDir = mkdtempSync(join(tmpdir(), 'faults-embedded-'));
    const embeddedPort = await freePort();
    const embeddedEnv = {
      DATA_DIR: embeddedDir,
      PORT: String(embeddedPort),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      REDIS_URL: '',
      MAIL_URL: '',
    };
    const embeddedHttp = (email: string, path: string) =>
      fetch(`http://127.0.0.1:${embeddedPort}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
        signal: AbortSignal.timeout(15_000),
      }).then((response) => response.status);
    let embedded = startService('embedded', { ...env(), ...embeddedEnv });
    processes.push(embedded);
    try {
      await healthy(embeddedPort, 120_000, '/health/ready');
      const acknowledged: string[] = [];
      let stop = false;
      let n = 0;
      const registering = async () => {
        while (!stop) {
          const email = `embedded-${n++}@example.com`;
          if ((await embeddedHttp(email, '/v1/accounts').catch(() => 0)) === 201) acknowledged.push(email);
        }
      };
      const traffic = Promise.all([registering(), registering(), registering()]);
      await until(async () => (acknowledged.length >= 10 ? true : undefined), 60_000, 'traffic before SIGTERM', 5);
      const stopped = await embedded.stop('SIGTERM');
      stop = true;
      await traffic;
      process.stdout.write(`[faults] embedded under traffic exited in ${stopped.ms} ms (${stopped.code})\n`);
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(10_000);
      expect(existsSync(join(embeddedDir, 'LOCK'))).toBe(false);

      embedded = startService('embedded', { ...env(), ...embeddedEnv });
      processes.push(embedded);
      await healthy(embeddedPort, 120_000, '/health/ready');
      for (const email of acknowledged) expect(await embeddedHttp(email, '/v1/auth/login')).toBe(200);
    } finally {
      embedded.child.kill('SIGKILL');
      await embedded.exited();
      rmSync(embeddedDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('leaves none of the secrets the suite handed out in any event, table row, Redis job payload or log line', async () => {
    const { tables, rows } = await dumpTables(db);
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const stored: string[] = [];
    try {
      for (const key of await client.keys('*')) {
        stored.push(`${key} ${JSON.stringify(await redisValue(client, key))}`);
      }
    } finally {
      client.disconnect();
    }
    const redisText = stored.join('\n');
    const logs = processes.map((process) => process.output()).join('\n');
    // The controls: the event log and BullMQ's jobs were read, and the suite did hand out secrets.
    expect(tables).toEqual(expect.arrayContaining(['public.event_store_events']));
    expect(redisText).toContain('send-verification-email');
    expect(secrets.size).toBeGreaterThan(20);
    process.stdout.write(
      `[faults] scanned ${rows.length} rows, ${stored.length} Redis keys and the logs of ${processes.length} processes (${logs.length} characters) for ${secrets.size} secrets\n`,
    );
    expect([...secrets.findIn('rows', rows.join('\n')), ...secrets.findIn('redis', redisText), ...secrets.findIn('logs', logs)]).toEqual(
      [],
    );
  }, 120_000);
});

function countBy(values: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** A Redis key's content, whatever its type (BullMQ keeps jobs in hashes, lists, sets, sorted sets and streams). */
async function redisValue(client: Redis, key: string): Promise<unknown> {
  switch (await client.type(key)) {
    case 'hash':
      return client.hgetall(key);
    case 'list':
      return client.lrange(key, 0, -1);
    case 'set':
      return client.smembers(key);
    case 'zset':
      return client.zrange(key, '0', '-1');
    case 'stream':
      return client.xrange(key, '-', '+');
    default:
      return client.get(key);
  }
}
