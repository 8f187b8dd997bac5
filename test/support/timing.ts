import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { embeddedDefaultEnv, healthy, ServiceProcess, startFromSource } from './service-process';

export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

export interface TimedAnswer {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/** POSTs JSON and resolves with the status, the body and the milliseconds until the whole answer was read. */
export async function timedPost(url: string, body: unknown): Promise<TimedAnswer> {
  const started = process.hrtime.bigint();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/**
 * `npm start` (the embedded default: PGlite, the read side and the job worker in one process) in a
 * process of its own, on loopback, with cheap bcrypt and no practical rate limit: what a client that
 * times answers talks to. A client in the same process would time its own event loop too, which the
 * service's read side shares on the embedded default.
 */
export async function startEmbeddedForTiming(): Promise<{ base: string; dataDir: string; service: ServiceProcess; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'timing-'));
  const port = await freePort();
  const service = startFromSource('embedded', {
    ...embeddedDefaultEnv(dataDir, port),
    MAIL_URL: '',
    BCRYPT_COST: '4',
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
  try {
    await healthy(port, 90_000);
  } catch (error) {
    service.child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${service.output()}`);
  }
  return {
    base: `http://127.0.0.1:${port}`,
    dataDir,
    service,
    async stop() {
      await service.stop('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface InterleavedTiming {
  readonly known: number;
  readonly unknown: number;
  /** Every distinct `status body` pair answered, for the test to check that there is exactly one. */
  readonly answers: ReadonlySet<string>;
}

/**
 * Alternates one request for a known email and one for an unknown email, `tries` of each, and returns
 * both medians. Each request goes `pauseMs` after the answer to the one before: what the answer to a
 * known email sets off after it (projections, the mail job) runs in that pause, so each figure is the
 * time of that request's own answer, not of the background work left by the request before it.
 */
export async function interleavedMedians(options: {
  readonly tries: number;
  readonly pauseMs: number;
  readonly known: (attempt: number) => Promise<TimedAnswer>;
  readonly unknown: (attempt: number) => Promise<TimedAnswer>;
}): Promise<InterleavedTiming> {
  const pause = () => new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  const times = { known: [] as number[], unknown: [] as number[] };
  const answers = new Set<string>();
  for (let attempt = 0; attempt < options.tries; attempt++) {
    for (const kind of ['known', 'unknown'] as const) {
      await pause();
      const answer = await options[kind](attempt);
      times[kind].push(answer.ms);
      answers.add(`${answer.status} ${answer.body}`);
    }
  }
  return { known: median(times.known), unknown: median(times.unknown), answers };
}
