import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, healthy, ServiceProcess, wrap } from '@app/testing';

const root = join(__dirname, '../..');
const register = join(root, 'test/support/swc-register.js');

function run(entry: string, env: Record<string, string>): ServiceProcess {
  return wrap(
    spawn(process.execPath, ['-r', register, join(root, entry)], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
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
      expect(await second.exited()).toBe(1);
      expect(second.output()).toContain('in use by process');

      expect((await service.stop('SIGTERM')).code).toBe(0);
      expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);
      expect(existsSync(join(dataDir, 'secrets.json'))).toBe(true);
    } finally {
      service.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
