import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, resolveSecrets } from '@app/config';
import { openRuntime, Runtime } from '@app/core';
import { ManualClock } from '@app/ddd';
import { AccountServiceClient, createAccountServiceClient } from '@app/client';
import { createLogger } from '@app/http';
import { InProcessJobQueue, JobQueue } from '@app/messaging';
import pino from 'pino';
import { startApi, StartedApi } from '../../apps/api/bootstrap';
import { buildOpenApiDocument, openApiOptionsOf } from '../../apps/api/docs/openapi';
import { RecordingMailer } from './recording-mailer';
import { ResponseContract } from './response-contract';

export const TEST_SERVICE_TOKEN = 'test-platform-service-token';

export interface TestAppOptions {
  /** Configuration on top of the test defaults. `DATABASE_URL` here runs on PostgreSQL; else PGlite in memory. */
  readonly env?: Record<string, string>;
  readonly clock?: ManualClock;
  /** Run projections, reactions and job workers in this instance (default true). */
  readonly readSide?: boolean;
  /**
   * Upsert the job workers' schedules (default false): they follow the wall clock, so a sweep would run
   * whenever a real 5-minute boundary passes. Tests run a scheduled job by enqueueing it.
   */
  readonly schedules?: boolean;
  readonly queue?: JobQueue;
  /** Collect the structured log lines (info and above) instead of discarding them. */
  readonly logLines?: string[];
}

export interface InjectRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
  /** Shortcut for `authorization: Bearer <token>`. */
  token?: string;
}

export interface InjectResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as light-my-request types it
  json<T = any>(): T;
}

export interface TestApp {
  readonly runtime: Runtime;
  readonly started: StartedApi;
  readonly mailer: RecordingMailer;
  readonly clock?: ManualClock;
  inject(request: InjectRequest): Promise<InjectResponse>;
  /** The typed client (libs/client), its requests answered through `inject` (so checked the same way). */
  readonly client: AccountServiceClient;
  /** Waits until projections serve every event so far, reactions have enqueued, and queued jobs have run. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole HTTP app in-process, through Fastify's inject (no socket): PGlite in memory, the
 * in-process queue, a recording mailer, bcrypt cost 4, a generous rate limit and a known service token.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  // A DATA_DIR given in `env` is used as is and kept (PGlite on disk, e.g. for a CLI run after the app).
  const givenDataDir = options.env?.DATA_DIR;
  const dataDir = givenDataDir ?? mkdtempSync(join(tmpdir(), 'account-service-test-'));
  const config = resolveSecrets(
    loadConfig({
      DATA_DIR: dataDir,
      BCRYPT_COST: '4',
      RATE_LIMIT_PER_MINUTE: '100000',
      PLATFORM_SERVICE_TOKENS: TEST_SERVICE_TOKEN,
      JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
      DATA_ENCRYPTION_KEY: 'test-data-encryption-key-long-enough-0123456789',
      PUBLIC_URL: 'http://localhost:3000',
      LOG_LEVEL: 'silent',
      ...options.env,
    }),
  );
  const mailer = new RecordingMailer();
  const queue = options.queue ?? new InProcessJobQueue();
  const logger = options.logLines
    ? createLogger('info', { write: (line: string) => void options.logLines!.push(line) })
    : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const runtime = await openRuntime(config, logger, { clock: options.clock, inMemory: givenDataDir === undefined, mailer, queue });
  const withReadSide = options.readSide ?? true;
  const started = await startApi(runtime, {
    listen: false,
    roles: withReadSide ? { projections: true, reactions: true, workers: true, schedules: options.schedules ?? false } : undefined,
  });
  await started.app.getHttpAdapter().getInstance().ready();
  const queues = [...new Set(runtime.readSide.workers.map((worker) => worker.queue))];
  let contract: ResponseContract | undefined;

  const app: TestApp = {
    runtime,
    started,
    mailer,
    clock: options.clock,
    client: createAccountServiceClient({
      baseUrl: config.publicUrl,
      fetch: async (request: Request) => {
        const url = new URL(request.url);
        const body = await request.text();
        const answer = await app.inject({
          method: request.method as InjectRequest['method'],
          url: `${url.pathname}${url.search}`,
          headers: Object.fromEntries(request.headers),
          ...(body.length > 0 ? { payload: body } : {}),
        });
        const headers = new Headers();
        for (const [name, value] of Object.entries(answer.headers)) {
          for (const item of [value].flat()) if (item !== undefined) headers.append(name, String(item));
        }
        const empty = answer.statusCode === 204 || answer.statusCode === 304 || answer.body.length === 0;
        return new Response(empty ? null : answer.body, { status: answer.statusCode, headers });
      },
    }),
    async inject(request) {
      const headers = { ...(request.headers ?? {}) };
      if (request.token) headers.authorization = `Bearer ${request.token}`;
      const response = await started.app.inject({
        method: request.method,
        url: request.url,
        headers,
        ...(request.payload === undefined
          ? {}
          : typeof request.payload === 'string'
            ? { payload: request.payload }
            : { payload: request.payload as object }),
      });
      // Every answer an e2e test receives is checked against what the API reference documents for it.
      contract ??= new ResponseContract(
        buildOpenApiDocument(started.app, config.publicUrl, openApiOptionsOf(config)) as unknown as Record<string, unknown>,
      );
      const problems = contract.check({ method: request.method, url: request.url, ...response });
      if (problems.length > 0) throw new Error(`The answer breaks the API reference:\n${problems.join('\n')}`);
      return { statusCode: response.statusCode, headers: response.headers, body: response.body, json: () => JSON.parse(response.body) };
    },
    async settle() {
      if (!withReadSide) return;
      const deadline = Date.now() + 10_000;
      for (;;) {
        await started.readSide.settle();
        const counts = await Promise.all(queues.map((name) => runtime.queue.counts(name)));
        if (counts.every((count) => count.waiting + count.active === 0)) return;
        if (Date.now() > deadline) throw new Error(`jobs still running: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      await started.close();
      if (givenDataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return app;
}
