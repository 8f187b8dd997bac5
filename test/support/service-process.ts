import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '../..');

export type ServiceEntry = 'api' | 'worker' | 'embedded' | 'cli';

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once it has exited. */
  exited(): Promise<number | string>;
  /** Sends `signal` and resolves with how long it took to exit, in ms. */
  stop(signal: NodeJS.Signals): Promise<{ ms: number; code: number | string }>;
}

/** Whether `npm run build` has produced the entry (the suites that need it say so when it has not). */
export const built = (entry: ServiceEntry): boolean => existsSync(join(root, `dist/apps/${entry}/main.js`));

/** A real process of the service from `dist/` (after `npm run build`), as production runs it. */
export function startService(entry: ServiceEntry, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [join(root, `dist/apps/${entry}/main.js`)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return wrap(child);
}

/**
 * The environment of the embedded default on loopback: PGlite under `dataDir`, no server-backed store,
 * no Redis, even when the test run itself has DATABASE_URL or REDIS_URL set.
 */
export function embeddedDefaultEnv(dataDir: string, port: number): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: '',
    REDIS_URL: '',
    EVENTSTORE_CONNECTION_STRING: '',
  };
}

/**
 * A process of the service from its sources (`apps/<entry>/main.ts` through SWC), as `npm start` runs the
 * build: no `npm run build` needed, and still a process of its own with its own event loop.
 */
export function startFromSource(entry: ServiceEntry, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['-r', join(root, 'test/support/swc-register.js'), join(root, `apps/${entry}/main.ts`)], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return wrap(child);
}

/** A child process (any entry), with its output kept and a way to wait for its exit. */
export function wrap(child: ChildProcess): ServiceProcess {
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    output: () => output,
    exited: () => exit,
    async stop(signal) {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exit;
      return { ms: Date.now() - started, code };
    },
  };
}

/** Polls `GET /health` on loopback until it answers 200; returns its body. */
export async function healthy(port: number, timeoutMs: number, path = '/health'): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      if (response.status === 200) return (await response.json()) as Record<string, unknown>;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no healthy answer on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Polls `probe` until it returns a value other than undefined. */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export interface HttpAnswer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each caller reads the fields of its route
  readonly body: Record<string, any>;
}

/** JSON over HTTP to a service on loopback (15 s timeout per request, so a hang fails the test). */
export function httpOn(port: number) {
  return async (method: string, path: string, body?: unknown, token?: string): Promise<HttpAnswer> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed };
  };
}

/** `npm run cli -- <args> --json` from dist/, with the service's environment; its JSON answer. */
export async function runCli(env: Record<string, string>, ...args: string[]): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'dist/apps/cli/main.js'), ...args, '--json'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

/** Until every projection and reaction reports no lag (`projections status`, as an operator reads it); ms taken. */
export async function readSideCaughtUp(env: Record<string, string>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  await until(
    async () => {
      const status = (await runCli(env, 'projections', 'status')) as {
        projections: Array<{ lag: number }>;
        reactions: Array<{ lag: number }>;
      };
      return [...status.projections, ...status.reactions].every((runner) => runner.lag === 0) ? true : undefined;
    },
    timeoutMs,
    'the read side to catch up',
    500,
  );
  return Date.now() - started;
}

/** Resident memory of a process, in MB (Linux: /proc/<pid>/status). */
export function rssMegabytes(pid: number): number {
  const kilobytes = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kilobytes) / 1024;
}

/** One line of test/support/live-heap.js: the heap used right after a full collection, and the RSS then. */
export interface LiveHeapSample {
  at: number;
  heapUsedMb: number;
  rssMb: number;
}

/**
 * The environment that makes a service process write its live heap to `file` every `intervalMs`
 * (test/support/live-heap.js, with `--expose-gc`). A test-only instrument: production never exposes gc.
 */
export function liveHeapEnv(file: string, intervalMs = 2000): Record<string, string> {
  const preload = join(root, 'test/support/live-heap.js');
  return {
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--expose-gc', `--require "${preload}"`].filter(Boolean).join(' '),
    LIVE_HEAP_FILE: file,
    LIVE_HEAP_INTERVAL_MS: String(intervalMs),
  };
}

/** The samples a process started with `liveHeapEnv(file)` has written so far. */
export function readLiveHeap(file: string): LiveHeapSample[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as LiveHeapSample);
}

/** The production settings every server-backed test process shares: secrets, cheap bcrypt, no rate limit. */
export function serviceEnv(port: number, serviceToken: string): Record<string, string> {
  return {
    EVENTSTORE_CONNECTION_STRING: '',
    JWT_SECRET: 'process-test-jwt-secret-that-is-long-enough-0123',
    DATA_ENCRYPTION_KEY: 'process-test-data-encryption-key-long-enough-01',
    BCRYPT_COST: '4',
    RATE_LIMIT_PER_MINUTE: '1000000',
    PLATFORM_SERVICE_TOKENS: serviceToken,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  };
}
