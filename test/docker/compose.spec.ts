import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '@app/config';
import { selectEventStoreKind } from '@app/event-store-esdb';

/**
 * No Docker engine runs here: these tests check what can be checked without one. The compose file
 * parses, has the services, health checks and replicas of the design, and hands the app every variable
 * its production configuration requires; the Dockerfile builds with the commands CI runs.
 */
const root = join(__dirname, '..', '..');
const composeText = readFileSync(join(root, 'docker', 'compose.yaml'), 'utf8');
const dockerfile = readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  ports?: string[];
  healthcheck?: { test: string[] };
  volumes?: string[];
}
const compose = parse(composeText) as { services: Record<string, Service> };
const services = compose.services;

/** Compose's variable substitution: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (match, name, colon, kind, arg) => {
    if (match === '$$') return '$';
    const raw = env[name];
    const missing = colon ? !raw : raw === undefined;
    if (!missing) return raw!;
    if (kind === '?') throw new Error(`${name}: ${arg}`);
    return kind === '-' ? arg : '';
  });
}

function environmentOf(service: Service, env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), env)]));
}

/** What an operator puts in docker/.env. */
const operatorEnv = {
  JWT_SECRET: 'j'.repeat(48),
  DATA_ENCRYPTION_KEY: 'k'.repeat(48),
  PLATFORM_SERVICE_TOKENS: 'platform-token-1',
};

describe('docker/compose.yaml', () => {
  it('runs EventStoreDB, PostgreSQL 15, Redis 7, the api and the worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'eventstore', 'postgres', 'redis', 'worker']);
    expect(interpolate(services.eventstore.image!, {})).toMatch(/kurrentdb|eventstore/);
    // A pinned release: a floating tag (`latest`, a bare major) changes the server under an unchanged stack.
    expect(interpolate(services.eventstore.image!, {})).toMatch(/:\d+\.\d+\.\d+$/);
    expect(services.postgres.image).toBe('postgres:15');
    expect(services.redis.image).toBe('redis:7');
  });

  it('runs Redis as BullMQ needs it: append-only persistence, no eviction, data on a volume', () => {
    const command = services.redis.command!;
    expect(command[0]).toBe('redis-server');
    const option = (name: string) => command[command.indexOf(name) + 1];
    expect(command).toContain('--appendonly');
    expect(option('--appendonly')).toBe('yes');
    expect(command).toContain('--maxmemory-policy');
    expect(option('--maxmemory-policy')).toBe('noeviction');
    expect(services.redis.volumes).toContain('redis-data:/data');
  });

  it('runs EventStoreDB as an insecure single node without projections, reachable from the host on 2113', () => {
    const env = services.eventstore.environment!;
    expect(env.KURRENTDB_INSECURE ?? env.EVENTSTORE_INSECURE).toBe('true');
    expect(env.KURRENTDB_RUN_PROJECTIONS ?? env.EVENTSTORE_RUN_PROJECTIONS).toBe('None');
    expect(services.eventstore.ports).toContain('2113:2113');
  });

  it('checks the health of every server with its own probe', () => {
    expect(services.eventstore.healthcheck!.test.join(' ')).toContain('http://localhost:2113/health/live');
    expect(services.postgres.healthcheck!.test).toContain('pg_isready');
    expect(services.redis.healthcheck!.test.slice(1)).toEqual(['redis-cli', 'ping']);
    expect(services.api.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:3000/health/ready');
    expect(services.worker.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:9464/metrics');
  });

  it('runs two api replicas and one worker from the built image, once the servers are healthy', () => {
    expect(services.api.deploy?.replicas).toBe(2);
    expect(services.api.command).toEqual(['node', 'dist/apps/api/main.js']);
    expect(services.worker.command).toEqual(['node', 'dist/apps/worker/main.js']);
    for (const app of [services.api, services.worker]) {
      expect(app.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
      for (const server of ['eventstore', 'postgres', 'redis']) expect(app.depends_on?.[server]).toEqual({ condition: 'service_healthy' });
    }
  });

  it('gives the api and the worker a valid production configuration on EventStoreDB', () => {
    for (const app of [services.api, services.worker]) {
      const env = environmentOf(app, operatorEnv);
      const config = loadConfig(env);
      expect(config.mode).toBe('production');
      expect(selectEventStoreKind(env)).toBe('esdb');
      expect(config.eventStoreConnectionString).toBe('esdb://eventstore:2113?tls=false');
      expect(config).toMatchObject({ jwtSecret: operatorEnv.JWT_SECRET, dataEncryptionKey: operatorEnv.DATA_ENCRYPTION_KEY });
      expect(config.platformServiceTokens).toEqual(['platform-token-1']);
      expect(config.mailUrl).toBeUndefined();
      // Every server the app is pointed at is a service of this file.
      for (const url of [config.eventStoreConnectionString!, config.databaseUrl!, config.redisUrl!]) {
        expect(Object.keys(services)).toContain(new URL(url).hostname);
      }
    }
  });

  it('refuses to start without the secrets rather than fall back to a default', () => {
    for (const name of ['JWT_SECRET', 'DATA_ENCRYPTION_KEY', 'PLATFORM_SERVICE_TOKENS']) {
      const withoutIt = { ...operatorEnv, [name]: undefined };
      expect(() => environmentOf(services.api, withoutIt)).toThrow(name);
    }
  });
});

describe('docker/Dockerfile', () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const [build, runtime] = stages;
  const runLines = (stage: string) => stage.split('\n').filter((line) => line.startsWith('RUN '));

  it('builds in one stage and runs in another, from the same Node.js major as the project', () => {
    expect(stages.map((stage) => stage.split('\n')[0])).toEqual(['node:20-bookworm-slim AS build', 'node:20-bookworm-slim AS runtime']);
  });

  it('installs and builds with the same commands as .ci/run', () => {
    const ciPath = join(root, '.ci', 'run');
    const ciCommands = existsSync(ciPath)
      ? readFileSync(ciPath, 'utf8')
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => /^npm (ci|run build)\b/.test(line))
      : ['npm ci', 'npm run build'];
    expect(ciCommands).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci\b/), 'npm run build']));
    const buildCommands = runLines(build).map((line) => line.slice('RUN '.length));
    for (const command of ciCommands) expect(buildCommands).toContain(command);
  });

  it('ships production dependencies and the compiled output only, as the non-root node user', () => {
    expect(runLines(runtime).join('\n')).toMatch(/npm ci --omit=dev/);
    expect(runtime).not.toMatch(/npm run build/);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^EXPOSE 3000$/m);
  });
});
