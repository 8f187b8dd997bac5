import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@app/testing';

const root = join(__dirname, '../..');
const register = join(root, 'test/support/swc-register.js');

function run(entry: string, env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['-r', register, join(root, entry)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return Object.assign(child, { output: () => output });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

async function healthy(port: number, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.status === 200) return (await response.json()) as Record<string, unknown>;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no healthy answer on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the embedded process (npm start)', () => {
  it('serves on PGlite under DATA_DIR, refuses a second process on that directory, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'embedded-'));
    const port = await freePort();
    const env = {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      REDIS_URL: '',
      EVENTSTORE_CONNECTION_STRING: '',
    };
    const service = run('apps/embedded/main.ts', env);
    try {
      const health = await healthy(port, 60_000);
      expect(health).toMatchObject({ status: 'ok', mode: 'embedded', store: { adapter: 'pglite' } });
      expect(existsSync(join(dataDir, 'LOCK'))).toBe(true);

      const second = run('apps/embedded/main.ts', { ...env, PORT: String(await freePort()) });
      expect(await exited(second)).toBe(1);
      expect(second.output()).toContain('in use by process');

      service.kill('SIGTERM');
      expect(await exited(service)).toBe(0);
      expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);
      expect(existsSync(join(dataDir, 'secrets.json'))).toBe(true);
    } finally {
      service.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
