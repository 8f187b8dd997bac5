import { httpOn, interleavedMedians, InterleavedTiming, startEmbeddedForTiming, timedPost } from '@app/testing';
import { STRONG_PASSWORD } from './accounts-client';

/**
 * Whether an email has an account must not show in how long a failed sign-in takes. Against `npm start`
 * (the embedded default, whose read side shares PGlite's one thread with the requests) in its own
 * process, over HTTP, BCRYPT_COST=4: 50 registered emails with 4 wrong passwords each (under the lockout)
 * against 200 unknown emails, interleaved one known then one unknown. The medians must be within 2 ms
 * and the answers identical; one retry, since a timing run can meet a noisy neighbour. Runs alone
 * (`*.alone.e2e-spec.ts`).
 *
 * Each request goes 20 ms after the answer before it, so that what one known email sets off after its
 * answer (the audit trail projects the failure) is not timed as part of the next request. Timed from
 * inside the service's process, as this test did before, the known email was 1.2-1.8 ms slower: the
 * client's own event loop waited behind the read side. From a process of its own the answers differ by
 * 0.3-1.0 ms (six runs at load 1.3-2), the known email's guard stream holding its earlier failures.
 */
describe('sign-in timing over HTTP against npm start, known vs unknown email (run alone)', () => {
  const TRIES = 200;
  const KNOWN_EMAILS = 50;
  const WRONG_PASSWORD = 'Not-The-Password-1!';
  let service: Awaited<ReturnType<typeof startEmbeddedForTiming>>;

  beforeAll(async () => {
    service = await startEmbeddedForTiming();
  }, 120_000);
  afterAll(() => service?.stop());

  async function run(round: number): Promise<InterleavedTiming> {
    const http = httpOn(Number(new URL(service.base).port));
    const known: string[] = [];
    for (let i = 0; i < KNOWN_EMAILS; i++) {
      const email = `sign-in-known-${round}-${i}@example.com`;
      const registered = await http('POST', '/v1/accounts', { email, password: STRONG_PASSWORD });
      expect(registered.status).toBe(201);
      known.push(email);
    }
    const signIn = (email: string) => timedPost(`${service.base}/v1/auth/login`, { email, password: WRONG_PASSWORD });
    // Warm both paths (JIT, the dummy hash), on emails the measurement does not use.
    await http('POST', '/v1/accounts', { email: `sign-in-warm-${round}@example.com`, password: STRONG_PASSWORD });
    for (let i = 0; i < 4; i++) {
      await signIn(`sign-in-warm-${round}@example.com`);
      await signIn(`sign-in-warm-unknown-${round}-${i}@example.com`);
    }
    return interleavedMedians({
      tries: TRIES,
      pauseMs: 20,
      known: (attempt) => signIn(known[attempt % KNOWN_EMAILS]),
      unknown: (attempt) => signIn(`sign-in-unknown-${round}-${attempt}@example.com`),
    });
  }

  it(`answers a wrong password for a known email as an unknown email, as fast (medians of ${TRIES} each within 2 ms)`, async () => {
    let result = await run(1);
    process.stdout.write(`[sign-in timing] known ${result.known.toFixed(2)} ms, unknown ${result.unknown.toFixed(2)} ms\n`);
    if (Math.abs(result.known - result.unknown) >= 2) {
      result = await run(2);
      process.stdout.write(`[sign-in timing] retry: known ${result.known.toFixed(2)} ms, unknown ${result.unknown.toFixed(2)} ms\n`);
    }
    expect([...result.answers]).toEqual([expect.stringMatching(/^401 /)]);
    expect(Math.abs(result.known - result.unknown)).toBeLessThan(2);
  }, 300_000);
});
