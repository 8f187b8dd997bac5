import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedDefaultEnv, freePort, healthy, ServiceProcess, startFromSource } from '@app/testing';

describe('the embedded process (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-'));
  let port: number;
  let env: Record<string, string>;
  let service: ServiceProcess;

  beforeAll(async () => {
    port = await freePort();
    env = {
      ...embeddedDefaultEnv(dataDir, port),
      PLATFORM_SERVICE_TOKENS: 'processes-platform-service-token',
    };
    service = startFromSource('embedded', env);
    const health = await healthy(port, 60_000);
    expect(health).toMatchObject({ status: 'ok', mode: 'embedded', store: { adapter: 'pglite' } });
  }, 90_000);

  afterAll(async () => {
    service?.child.kill('SIGKILL');
    await service?.exited();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // The report: Node's fetch sending 5 MB to POST /v1/accounts got a connection reset instead of
  // the 413 twice in nine tries, the server having answered and closed before the body was all sent.
  it('answers a 5 MB JSON body sent by fetch with the 413 every time (ten tries in a row, and on the fast lane), never a reset', async () => {
    const big = JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(5 * 1024 * 1024) });
    const send = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: big,
      }).catch((error: Error) => ({ status: `${error.message} (${String((error.cause as Error)?.message)})` }) as const);
      return { path, status: response.status, body: 'json' in response ? await response.json() : undefined };
    };
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await send('/v1/accounts'));
    for (let i = 0; i < 3; i++) answers.push(await send('/v1/keys/verify', { authorization: `Bearer ${env.PLATFORM_SERVICE_TOKENS}` }));
    const tooLarge = { status: 413, body: { error: 'payload_too_large', message: expect.any(String) } };
    expect(answers).toEqual(answers.map(({ path }) => ({ path, ...tooLarge })));
  }, 120_000);

  it('refuses a second process on its DATA_DIR, and stops cleanly on SIGTERM', async () => {
    expect(existsSync(join(dataDir, 'LOCK'))).toBe(true);
    const second = startFromSource('embedded', { ...env, PORT: String(await freePort()) });
    expect(await second.exited()).toBe(1);
    expect(second.output()).toContain('in use by process');

    expect((await service.stop('SIGTERM')).code).toBe(0);
    expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(true);
  }, 90_000);
});
