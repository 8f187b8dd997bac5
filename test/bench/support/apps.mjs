// The built apps as the benchmarks start and call them: a free loopback port each, the bench's service
// token and secrets, and the few requests every script makes to set itself up.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess } from './processes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const SERVICE_TOKEN = 'bench-platform-service-token';
export const PASSWORD = 'Xq7#Vb2!Lp9$Zr4&';
/** What the api and the worker need besides a database (the embedded default makes its own). */
export const SERVER_SECRETS = {
  JWT_SECRET: 'bench-jwt-secret-that-is-long-enough-0123456789',
  DATA_ENCRYPTION_KEY: 'bench-data-encryption-key-long-enough-0123456789',
};

/**
 * `dist/apps/api/main.js` on `databaseUrl`, on a port of its own, ready once `/health/live` answers;
 * `env` adds to or overrides the defaults (LOG_LEVEL warn, BCRYPT_COST 10).
 */
export async function startApi(databaseUrl, { env = {}, nodeArgs = [], timeoutMs = 180_000 } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = await startProcess(join(root, 'dist/apps/api/main.js'), [], {
    nodeArgs,
    env: {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PLATFORM_SERVICE_TOKENS: SERVICE_TOKEN,
      ...SERVER_SECRETS,
      LOG_LEVEL: 'warn',
      BCRYPT_COST: '10',
      ...env,
    },
    ready: async () => (await fetch(`${base}/health/live`)).status < 500,
    timeoutMs,
  });
  return { ...started, pid: started.child.pid, base };
}

/** A JSON request; throws with the answer unless it is 2xx; resolves with the parsed body, if any. */
export async function json(url, init) {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } });
  const body = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${body}`);
  return body ? JSON.parse(body) : undefined;
}

/** The status `POST /v1/keys/verify` answers for `key` (with the bench's service token). */
export const verifyStatus = async (base, key) =>
  (
    await fetch(`${base}/v1/keys/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_TOKEN}` },
      body: JSON.stringify({ key, endpoint: 'chat.completions' }),
    })
  ).status;

/** A new account, registered and signed in: its id and the `authorization` header of its session. */
export async function signedInHolder(base, emailPrefix) {
  const email = `${emailPrefix}-${Date.now()}@example.com`;
  const { accountId } = await json(`${base}/v1/accounts`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
  const { accessToken } = await json(`${base}/v1/auth/login`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
  return { accountId, auth: { authorization: `Bearer ${accessToken}` } };
}

/** An API key of `holder` with `scopes`: the answer of `POST /v1/api-keys` (`id`, `key`, ...). */
export const createKey = (base, holder, name, scopes) =>
  json(`${base}/v1/api-keys`, { method: 'POST', headers: holder.auth, body: JSON.stringify({ name, scopes }) });

/** `count` keys of a new holder, for verification: the full keys. */
export async function issueKeys(base, count, scopes, emailPrefix = 'bench') {
  const holder = await signedInHolder(base, emailPrefix);
  const keys = [];
  for (let i = 0; i < count; i++) keys.push((await createKey(base, holder, `bench-${i}`, scopes)).key);
  return keys;
}
