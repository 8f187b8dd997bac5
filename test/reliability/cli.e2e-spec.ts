import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTemporaryDatabase, describeWithEnv } from '@app/testing';
import { createTestApp } from '@app/test-app';
import { createKey, signUp } from '../e2e/api-keys/api-keys.helpers';

const root = join(__dirname, '../..');
const register = join(root, 'test/support/swc-register.js');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const main = join(root, 'apps/cli/main.ts');

/** Node with these arguments, from the sources (as the build would), with `env` over the test's environment. */
function node(nodeArgs: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', register, ...nodeArgs], {
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', EVENTSTORE_CONNECTION_STRING: '', LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** `npm run cli -- ...` as a process, the way an operator runs it. */
function cliWith(env: Record<string, string>) {
  return (...args: string[]): Promise<Run> => node([main, ...args], env);
}

const SECRETS = {
  PLATFORM_SERVICE_TOKENS: 'platform-token-that-must-not-print',
  METRICS_TOKEN: 'metrics-token-that-must-not-print',
  JWT_SECRET: 'jwt-secret-that-must-not-print-0123456789',
  DATA_ENCRYPTION_KEY: 'data-key-that-must-not-print-0123456789ab',
};
/** The secrets the data was written with, which every process that reads it needs. */
const STORE_SECRETS = { JWT_SECRET: SECRETS.JWT_SECRET, DATA_ENCRYPTION_KEY: SECRETS.DATA_ENCRYPTION_KEY };

describe('the operators’ CLI (no store opened)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cli-config-'));
  const cli = cliWith({ DATA_DIR: dataDir });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists its commands with --help, and refuses an unknown one with exit code 2', async () => {
    const help = await cli('--help');
    expect(help.status).toBe(0);
    for (const command of ['config check', 'projections status', 'projections rebuild <name>']) expect(help.stdout).toContain(command);
    const unknown = await cli('frobnicate', '--json');
    expect({ status: unknown.status, stdout: unknown.stdout }).toEqual({ status: 2, stdout: '' });
    expect(unknown.stderr).toContain('unknown command: frobnicate');
  }, 60_000);

  it('answers --help and a usage error without loading the service: a few dozen modules, not the runtime’s 3,200', async () => {
    // Each CLI process of this file spent more than half its time loading modules while every command came
    // in through commands.ts; a command's own code now loads when it runs (runtime-context.ts).
    const modulesLoaded = async (...args: string[]) => {
      const count = `process.on('exit', () => process.stderr.write('\\nmodules loaded: ' + Object.keys(require.cache).length))`;
      // `--` and the path of main.ts: the arguments reach it in process.argv where they do from `node main.ts`.
      const run = await node(['-e', `${count}; require(${JSON.stringify(main)})`, '--', main, ...args], {
        DATA_DIR: dataDir,
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing-listens',
      });
      return { status: run.status, modules: Number(/modules loaded: (\d+)/.exec(run.stderr)?.[1]) };
    };
    for (const args of [['--help'], ['roles', 'grant', 'someone@example.com', 'superuser']]) {
      const run = await modulesLoaded(...args);
      expect({ args, status: run.status }).toEqual({ args, status: args[0] === '--help' ? 0 : 2 });
      expect(run.modules).toBeLessThan(200);
    }
  }, 60_000);

  it('config check prints the resolved configuration with every secret masked, as text and as JSON', async () => {
    const env = { ...SECRETS, DATABASE_URL: 'postgres://operator:db-password-not-printed@127.0.0.1:5432/accounts' };
    const text = await cliWith({ DATA_DIR: dataDir, ...env })('config', 'check');
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('configuration is valid (production)');
    const json = await cliWith({ DATA_DIR: dataDir, ...env })('config', 'check', '--json');
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      valid: true,
      config: { mode: 'production', databaseUrl: 'postgres://operator:masked@127.0.0.1:5432/accounts', loginMaxFailures: 5 },
    });
    for (const output of [text.stdout, json.stdout]) {
      for (const secret of [...Object.values(SECRETS), 'db-password-not-printed']) expect(output).not.toContain(secret);
    }
  }, 60_000);

  it('config check fails with exit code 1 naming the variable that is wrong', async () => {
    const run = await cliWith({ DATA_DIR: dataDir, BCRYPT_COST: 'twelve' })('config', 'check', '--json');
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stderr)).toEqual({ error: 'Invalid configuration: BCRYPT_COST must be a whole number, got "twelve"' });
    const production = await cliWith({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://127.0.0.1/x' })('config', 'check');
    expect({ status: production.status, stderr: production.stderr.trim() }).toEqual({
      status: 1,
      stderr: 'Invalid configuration: JWT_SECRET is required with a server-backed store',
    });
  }, 60_000);

  it('a usage error answers exit code 2 before the store is opened (here a PostgreSQL that is not there)', async () => {
    const unreachable = cliWith({ ...STORE_SECRETS, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing-listens' });
    const missing = await unreachable('projections', 'rebuild');
    expect({ status: missing.status, stderr: missing.stderr.trim() }).toEqual({
      status: 2,
      stderr: 'name the projection to rebuild (see projections status)',
    });
    const badRole = await unreachable('roles', 'grant', 'someone@example.com', 'superuser', '--json');
    expect(badRole.status).toBe(2);
    expect(JSON.parse(badRole.stderr).error).toContain('name a staff role');
  }, 60_000);
});

/** The projection commands against a store: PGlite under DATA_DIR (service stopped) or PostgreSQL. */
function projectionCommands(cli: (...args: string[]) => Promise<Run>): void {
  it('projections status and rebuild, as text and as JSON; an unknown projection fails with exit code 1', async () => {
    const status = await cli('projections', 'status', '--json');
    expect(status.status).toBe(0);
    const report = JSON.parse(status.stdout) as { projections: Array<{ name: string; lag: number }> };
    expect(report.projections.map((projection) => projection.name)).toEqual(expect.arrayContaining(['account-profile']));
    const text = await cli('projections', 'status');
    expect(text.stdout).toMatch(/^projection account-profile: v\d+ generation \d+ at \d+, lag \d+$/m);

    const rebuild = await cli('projections', 'rebuild', 'account-profile', '--json');
    expect({ status: rebuild.status, stderr: rebuild.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(rebuild.stdout)).toMatchObject({ name: 'account-profile', generation: expect.any(Number) });

    const unknown = await cli('projections', 'rebuild', 'no-such-projection');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no projection named no-such-projection');
  }, 180_000);
}

/** The account commands against a store where `env` (DATA_DIR or DATABASE_URL) names an account with a key. */
function accountCommands(env: () => Record<string, string>): void {
  const email = 'operator-target@example.com';
  let fullKey: string;
  let accountId: string;
  beforeAll(async () => {
    // The service, run and stopped before the CLI (one process per DATA_DIR on the embedded default), with
    // the CLI's secrets: the account's data keys are wrapped by DATA_ENCRYPTION_KEY, so another key opens nothing.
    const app = await createTestApp({ env: { ...env(), ...STORE_SECRETS } });
    try {
      const holder = await signUp(app, email);
      accountId = holder.accountId;
      fullKey = (await createKey(app, holder, { name: 'ci-runner', scopes: ['chat'] })).key;
      await app.settle();
    } finally {
      await app.close();
    }
  }, 240_000);

  // A missing projection name or a role that does not exist is refused before the store is opened, whichever
  // store: the no-store block above checks both.
  it('accounts show, roles grant and revoke by email, as processes; an unknown email is refused', async () => {
    const cli = (...args: string[]) => cliWith({ ...env(), ...SECRETS })(...args);
    const shown = await cli('accounts', 'show', email.toUpperCase(), '--json');
    expect({ status: shown.status, stderr: shown.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(shown.stdout)).toMatchObject({
      email,
      status: 'active',
      emailVerified: false,
      roles: [],
      signInMethods: ['password'],
      factors: [],
      apiKeys: [{ name: 'ci-runner', status: 'active', scopes: ['chat'], prefix: expect.any(String) }],
    });
    expect(shown.stdout).not.toContain(fullKey);

    const granted = await cli('roles', 'grant', email, 'support', '--json');
    expect({ status: granted.status, body: JSON.parse(granted.stdout) }).toMatchObject({
      status: 0,
      body: { changed: true, roles: ['support'] },
    });
    const again = await cli('roles', 'grant', email, 'support');
    expect(again.stdout).toContain('already held support');
    const text = await cli('accounts', 'show', email);
    expect(text.stdout).toMatch(/roles: support/);
    expect(text.stdout).not.toContain(fullKey);
    const revoked = await cli('roles', 'revoke', email, 'support', '--json');
    expect(JSON.parse(revoked.stdout)).toMatchObject({ changed: true, roles: [] });

    const unknown = await cli('roles', 'grant', 'nobody@example.com', 'support');
    expect({ status: unknown.status, stderr: unknown.stderr.trim() }).toEqual({
      status: 1,
      stderr: 'no account has the email nobody@example.com',
    });
  }, 240_000);

  it('audit replay, export and verify with --json print exactly one JSON document on stdout', async () => {
    const cli = (...args: string[]) => cliWith({ ...env(), ...SECRETS })(...args);
    const only = (run: Run) => {
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };
    expect(only(await cli('audit', 'verify', accountId, '--json'))).toMatchObject({ intact: true });
    expect(only(await cli('audit', 'replay', accountId, '--json'))).toMatchObject({ account: { email } });
    const exportDir = mkdtempSync(join(tmpdir(), 'cli-export-'));
    try {
      const file = join(exportDir, 'events.ndjson');
      const exported = only(await cli('audit', 'export', accountId, file, '--json'));
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(exported).toEqual({ file, events: lines.length });
      expect(lines.length).toBeGreaterThan(2);
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ stream: expect.any(String), type: expect.any(String) });
    } finally {
      rmSync(exportDir, { recursive: true, force: true });
    }
    const unknown = await cli('audit', 'verify', '00000000-0000-4000-8000-000000000000', '--json');
    expect({ status: unknown.status, stdout: unknown.stdout }).toEqual({ status: 1, stdout: '' });
    expect(JSON.parse(unknown.stderr).error).toContain('no event concerns account');
  }, 240_000);
}

describe('the operators’ CLI on the embedded default (PGlite under DATA_DIR)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cli-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  accountCommands(() => ({ DATA_DIR: dataDir }));
  projectionCommands(cliWith({ DATA_DIR: dataDir, ...STORE_SECRETS }));
});

describeWithEnv('DATABASE_URL', 'the operators’ CLI against PostgreSQL', (serverUrl) => {
  let database: Awaited<ReturnType<typeof createTemporaryDatabase>>;
  const env: Record<string, string> = { ...STORE_SECRETS };
  beforeAll(async () => {
    database = await createTemporaryDatabase(serverUrl, 'cli');
    env.DATABASE_URL = database.url;
  });
  afterAll(() => database.drop());
  accountCommands(() => ({ DATABASE_URL: env.DATABASE_URL }));
  projectionCommands((...args) => cliWith(env)(...args));
});
