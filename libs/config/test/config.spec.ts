import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, resolveSecrets } from '@app/config';

const secret = 'x'.repeat(40);

const oidcEntry = (extra: Record<string, unknown>): string =>
  JSON.stringify([{ name: 'google', issuer: 'https://accounts.example.com', clientId: 'id', clientSecret: 'secret', ...extra }]);

describe('configuration', () => {
  it('applies the design defaults on an empty environment (embedded mode)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: 'embedded',
      port: 3000,
      dataDir: './data',
      publicUrl: 'http://localhost:3000',
      mailFrom: 'no-reply@minimax.gr.com',
      supportEmail: 'support@minimax.gr.com',
      bcryptCost: 12,
      loginMaxFailures: 5,
      loginFailureWindowSeconds: 900,
      lockoutSeconds: 900,
      sessionIdleSeconds: 86_400,
      sessionMaxSeconds: 2_592_000,
      accessTokenSeconds: 900,
      passwordResetTtlSeconds: 900,
      reauthWindowSeconds: 900,
      erasureGraceSeconds: 2_592_000,
      apiKeyStaleSeconds: 7_776_000,
      apiScopes: ['chat', 'video', 'models'],
      rateLimitPerMinute: 20,
      trustProxy: false,
      webauthnRpId: 'localhost',
      webauthnOrigin: 'http://localhost:3000',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ BCRYPT_COST: '3' }, 'BCRYPT_COST'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://h/db' }, 'JWT_SECRET'],
    [{ DATABASE_URL: 'postgres://h/db', JWT_SECRET: secret }, 'DATA_ENCRYPTION_KEY'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ OIDC_PROVIDERS: '[{"name":"google"}]' }, 'OIDC_PROVIDERS'],
    [{ OIDC_PROVIDERS: oidcEntry({ timeoutSeconds: 0 }) }, 'OIDC_PROVIDERS'],
    [{ OIDC_PROVIDERS: oidcEntry({ timeoutSeconds: '5' }) }, 'OIDC_PROVIDERS'],
    [{ BUSINESS_HOLIDAYS: '2026-13-45' }, 'BUSINESS_HOLIDAYS'],
    [{ BILLING_CLOSE_DAY: '29' }, 'BILLING_CLOSE_DAY'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ SESSION_IDLE_SECONDS: '100', SESSION_MAX_SECONDS: '50' }, 'SESSION_MAX_SECONDS'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });

  it("takes each OIDC provider's timeout, 10 s when it names none", () => {
    const [named] = loadConfig({ OIDC_PROVIDERS: oidcEntry({ timeoutSeconds: 3 }) }).oidcProviders;
    const [unnamed] = loadConfig({ OIDC_PROVIDERS: oidcEntry({}) }).oidcProviders;
    expect([named.timeoutSeconds, unnamed.timeoutSeconds]).toEqual([3, 10]);
  });

  it('is production when a server-backed store is configured, with its secrets', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://h/db', JWT_SECRET: secret, DATA_ENCRYPTION_KEY: secret });
    expect(config.mode).toBe('production');
  });

  it('generates embedded secrets once into DATA_DIR and reuses them', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'config-'));
    try {
      const first = resolveSecrets(loadConfig({ DATA_DIR: dataDir }));
      const second = resolveSecrets(loadConfig({ DATA_DIR: dataDir }));
      expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
      expect(second.jwtSecret).toBe(first.jwtSecret);
      expect(second.dataEncryptionKey).toBe(first.dataEncryptionKey);
      expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).toContain(first.jwtSecret);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
