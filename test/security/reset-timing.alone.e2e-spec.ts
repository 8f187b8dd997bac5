import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpOn, interleavedMedians, InterleavedTiming, startEmbeddedForTiming, timedPost, until } from '@app/testing';
import { STRONG_PASSWORD } from '../e2e/auth/accounts-client';

/**
 * Whether an email has an account must not show in how long a password-reset request takes. Against
 * `npm start` (the embedded default: the reaction and the mail job of a known email run on the same
 * PGlite thread as the requests) in its own process, over HTTP, BCRYPT_COST=4: 200 requests for 8
 * registered emails against 200 for unknown ones, interleaved; the medians must be within 2 ms and the
 * answers identical. One retry, since a timing run can meet a noisy neighbour. Runs alone
 * (`*.alone.e2e-spec.ts`).
 *
 * Measured from the same process as the service, the known email was 2.5-3.9 ms slower: the client's
 * own event loop waited behind the mail job. From a process of its own, the answers themselves differ
 * by less than 0.5 ms.
 */
describe('password-reset timing over HTTP against npm start, known vs unknown email (run alone)', () => {
  const TRIES = 200;
  let service: Awaited<ReturnType<typeof startEmbeddedForTiming>>;

  beforeAll(async () => {
    service = await startEmbeddedForTiming();
  }, 120_000);
  afterAll(() => service?.stop());

  const reset = (email: string) => timedPost(`${service.base}/v1/auth/password-reset`, { email });

  /** Every message the embedded default wrote to its outbox for `email`. */
  function mailsTo(email: string): number {
    const outbox = join(service.dataDir, 'outbox');
    return readdirSync(outbox, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.eml'))
      .filter((entry) => readFileSync(join(outbox, entry.name), 'utf8').includes(`To: ${email}`)).length;
  }

  async function run(round: number): Promise<InterleavedTiming> {
    const http = httpOn(Number(new URL(service.base).port));
    const known: string[] = [];
    for (let i = 0; i < 8; i++) {
      known.push(`reset-known-${round}-${i}@example.com`);
      expect((await http('POST', '/v1/accounts', { email: known[i], password: STRONG_PASSWORD })).status).toBe(201);
    }
    await reset(`reset-warm-${round}@example.com`);
    await reset(known[0]);
    const result = await interleavedMedians({
      tries: TRIES,
      pauseMs: 20,
      known: (attempt) => reset(known[attempt % known.length]),
      unknown: (attempt) => reset(`reset-unknown-${round}-${attempt}@example.com`),
    });
    // The known emails did get their mail (beside the verification mail), so the two paths were what they claim.
    await until(async () => (mailsTo(known[1]) > 1 ? true : undefined), 30_000, 'the reset mail of a known email');
    expect(mailsTo(`reset-unknown-${round}-1@example.com`)).toBe(0);
    return result;
  }

  it(`answers a reset for a known email as for an unknown one, as fast (medians of ${TRIES} each within 2 ms)`, async () => {
    let result = await run(1);
    process.stdout.write(`[reset timing] known ${result.known.toFixed(2)} ms, unknown ${result.unknown.toFixed(2)} ms\n`);
    if (Math.abs(result.known - result.unknown) >= 2) {
      result = await run(2);
      process.stdout.write(`[reset timing] retry: known ${result.known.toFixed(2)} ms, unknown ${result.unknown.toFixed(2)} ms\n`);
    }
    expect([...result.answers]).toEqual(['202 {}']);
    expect(Math.abs(result.known - result.unknown)).toBeLessThan(2);
  }, 300_000);
});
