import { createTestApp, TestApp } from '@app/test-app';
import { describeWithEnv, listenOnLoopback, median, timedPost } from '@app/testing';
import { accountsClient } from './accounts-client';

/**
 * Whether an email has an account must not show in how long a failed sign-in takes, on the embedded
 * default (read side in the same process, on PGlite's one thread) and over HTTP. 8 registered emails
 * with 4 wrong passwords each against 32 unknown emails, interleaved one known then one unknown; the
 * medians must be within 2 ms (BCRYPT_COST=4). One retry, since a timing run can meet a noisy neighbour.
 * (Reset requests: test/security/reset-timing.alone.e2e-spec.ts.) It measures the machine as much as the service when other
 * suites run beside it (in a full parallel run it saw 4-7 ms, the known email slower), so `npm test`
 * runs it alone, after the parallel phase (`*.alone.e2e-spec.ts`).
 *
 * Only when asked (`SIGN_IN_TIMING=1`): alone at load 1-2 the known email is 1.2-1.8 ms slower (medians
 * of 8-14 ms), both with the read side on and off, which passes but with too little margin to turn on in
 * CI. Before appends woke only the subscriptions that read them, the medians were 48 ms.
 */
describeWithEnv('SIGN_IN_TIMING', 'sign-in timing over HTTP, known vs unknown email (run alone)', () => {
  let app: TestApp;
  let base: string;
  beforeAll(async () => {
    app = await createTestApp();
    base = await listenOnLoopback(app);
  });
  afterAll(() => app.close());

  async function timed(path: string, body: object, expected: number): Promise<number> {
    const { status, ms } = await timedPost(`${base}${path}`, body);
    expect(status).toBe(expected);
    return ms;
  }

  const failedSignIn = (email: string) => timed('/v1/auth/login', { email, password: 'Not-The-Password-1!' }, 401);

  async function run(round: number, attempt: (email: string) => Promise<number>): Promise<{ known: number; unknown: number }> {
    const client = accountsClient(app);
    const known: string[] = [];
    for (let i = 0; i < 8; i++) {
      const email = `known-${attempt.name}-${round}-${i}@example.com`;
      await client.register(email);
      known.push(email);
    }
    await app.settle();
    // Warm both paths once.
    await attempt(known[0]);
    await attempt(`warm-${attempt.name}-${round}@example.com`);
    const times = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 32; i++) {
      times.known.push(await attempt(known[i % 8]));
      times.unknown.push(await attempt(`unknown-${attempt.name}-${round}-${i}@example.com`));
    }
    return { known: median(times.known), unknown: median(times.unknown) };
  }

  async function compare(label: string, attempt: (email: string) => Promise<number>): Promise<number> {
    let result = await run(1, attempt);
    process.stdout.write(`[${label} timing] known ${result.known.toFixed(2)} ms, unknown ${result.unknown.toFixed(2)} ms\n`);
    if (Math.abs(result.known - result.unknown) >= 2) {
      result = await run(2, attempt);
      process.stdout.write(`[${label} timing] retry: known ${result.known.toFixed(2)} ms, unknown ${result.unknown.toFixed(2)} ms\n`);
    }
    return Math.abs(result.known - result.unknown);
  }

  it('answers a wrong password for a known email as fast as an unknown email (medians within 2 ms)', async () => {
    expect(await compare('sign-in', failedSignIn)).toBeLessThan(2);
  }, 240_000);
});
