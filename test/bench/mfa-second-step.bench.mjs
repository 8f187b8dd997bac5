// The second step of sign-in over HTTP, on the built embedded default (dist/apps/embedded/main.js,
// PGlite in a temporary DATA_DIR, bcrypt at BENCH_BCRYPT_COST, default 12 as in production): N
// accounts with an authenticator app each, then one sign-in per account, timing the first step
// (POST /v1/auth/login, which answers the mfaToken) and the second (POST /v1/auth/mfa with the current
// TOTP code) separately, sequentially. Figures are printed, not asserted.
//
// Run with `npm run bench -- mfa-second-step` (builds first). BENCH_ACCOUNTS (default 20).
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PASSWORD } from './support/apps.mjs';
import { freePort, startProcess } from './support/processes.mjs';
import { figure } from './support/report.mjs';
import { percentile } from './support/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20);
const BCRYPT_COST = process.env.BENCH_BCRYPT_COST ?? '12';

function base32Decode(encoded) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of encoded.replace(/=+$/, '')) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 with SHA-1, 6 digits, 30 s, written here so the bench does not use the service's library. */
function totp(secret, unixSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const digest = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = digest[19] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function post(base, path, body, token) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-mfa-'));
const port = await freePort();
const app = await startProcess(join(root, 'dist/apps/embedded/main.js'), [], {
  env: { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', BCRYPT_COST, RATE_LIMIT_PER_MINUTE: '100000' },
  ready: async () => (await fetch(`http://127.0.0.1:${port}/health`)).status < 500,
});
const base = `http://127.0.0.1:${port}`;
try {
  const accounts = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const email = `bench-mfa-${i}-${Date.now()}@example.com`;
    await post(base, '/v1/accounts', { email, password: PASSWORD });
    const { accessToken } = await post(base, '/v1/auth/login', { email, password: PASSWORD });
    const { factorId, secret } = await post(base, '/v1/me/mfa/totp', {}, accessToken);
    await post(base, `/v1/me/mfa/totp/${factorId}/verify`, { code: totp(secret, Date.now() / 1000) }, accessToken);
    accounts.push({ email, secret });
  }
  // Each confirmation used the current step's code: sign in from the next step on.
  await new Promise((r) => setTimeout(r, (30 - ((Date.now() / 1000) % 30)) * 1000 + 200));
  const first = [];
  const second = [];
  for (const { email, secret } of accounts) {
    let started = performance.now();
    const { mfaToken } = await post(base, '/v1/auth/login', { email, password: PASSWORD });
    first.push(performance.now() - started);
    started = performance.now();
    const tokens = await post(base, '/v1/auth/mfa', { mfaToken, totpCode: totp(secret, Date.now() / 1000) });
    second.push(performance.now() - started);
    if (!tokens.accessToken) throw new Error('no tokens');
  }
  const line = (name, values) =>
    console.log(
      `${name.padEnd(42)} median ${percentile(values, 0.5).toFixed(1)} ms  p95 ${percentile(values, 0.95).toFixed(1)} ms  (n=${values.length})`,
    );
  console.log(`app: dist/apps/embedded/main.js, PGlite, BCRYPT_COST=${BCRYPT_COST}, sequential, loopback`);
  line('first step (POST /v1/auth/login -> mfaToken)', first);
  line('second step (POST /v1/auth/mfa, TOTP)', second);
  figure({
    name: 'MFA sign-in: second step (TOTP), median',
    value: percentile(second, 0.5),
    unit: 'ms',
    baseline: 'first step (password, bcrypt) median',
    baselineValue: percentile(first, 0.5),
    store: 'PGlite',
    note: `BCRYPT_COST=${BCRYPT_COST}, sequential, n=${second.length}`,
  });
} finally {
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
