import { FieldProblem } from '../src/domain/billing.errors';
import { checkUsageRecord, FUTURE_TOLERANCE_MS, IncomingUsageRecord, MAX_RECORD_AGE_MS } from '../src/domain/usage-rules';

/** The rules as they were before the canonical fast path: the answers must stay exactly these. */
function reference(record: IncomingUsageRecord, prefix: string, now: Date, problems: FieldProblem[]) {
  const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
  const at = instant.test(record.occurredAt) ? Date.parse(record.occurredAt) : Number.NaN;
  const field = `${prefix}occurredAt`;
  if (Number.isNaN(at)) {
    problems.push({ field, message: 'occurredAt must be an ISO 8601 instant in UTC, e.g. 2026-01-05T09:00:00.000Z' });
    return undefined;
  }
  const canonical = new Date(at).toISOString();
  if (canonical.slice(0, 19) !== record.occurredAt.slice(0, 19)) {
    problems.push({ field, message: 'occurredAt is not a valid date and time' });
    return undefined;
  }
  if (at > now.getTime() + FUTURE_TOLERANCE_MS) {
    problems.push({ field, message: 'occurredAt must not be in the future' });
    return undefined;
  }
  if (at < now.getTime() - MAX_RECORD_AGE_MS) {
    problems.push({ field, message: 'occurredAt must be at most 35 days back' });
    return undefined;
  }
  return { idempotencyKey: record.idempotencyKey, service: record.service, amountMicros: record.amountMicros, occurredAt: canonical };
}

const record = (occurredAt: string): IncomingUsageRecord => ({
  accountId: 'a',
  service: 'chat',
  amountMicros: 5,
  idempotencyKey: 'k',
  occurredAt,
});

function answers(occurredAt: string, now: Date) {
  const problems: FieldProblem[] = [];
  const referenceProblems: FieldProblem[] = [];
  return {
    actual: { record: checkUsageRecord(record(occurredAt), 'records[3].', now, problems), problems },
    expected: { record: reference(record(occurredAt), 'records[3].', now, referenceProblems), problems: referenceProblems },
  };
}

describe('checkUsageRecord', () => {
  const now = new Date('2028-03-01T00:00:30.000Z');

  it('answers as the general rules did for edge dates and malformed instants', () => {
    const cases = [
      '2028-02-29T12:00:00.000Z', // leap day
      '2027-02-29T12:00:00.000Z', // no such day
      '2028-02-30T00:00:00.000Z',
      '2028-02-31T00:00:00.000Z',
      '2028-02-32T00:00:00.000Z',
      '2028-02-00T00:00:00.000Z',
      '2028-00-10T00:00:00.000Z',
      '2028-13-10T00:00:00.000Z',
      '2028-02-10T24:00:00.000Z',
      '2028-02-10T23:60:00.000Z',
      '2028-02-10T23:59:60.000Z',
      '2028-02-10T23:59:59.999Z',
      '2028-03-01T00:01:30.000Z', // the future tolerance's edge
      '2028-03-01T00:01:30.001Z',
      new Date(now.getTime() - MAX_RECORD_AGE_MS).toISOString(),
      new Date(now.getTime() - MAX_RECORD_AGE_MS - 1).toISOString(),
      '2028-02-10T23:59:59Z',
      '2028-02-10T23:59:59.5Z',
      '2028-02-10T23:59:59.50Z',
      '2028-02-10T23:59:59.000z',
      '2028-02-10 23:59:59.000Z',
      '2028-02-10T23:59:59.000+00:00',
      '+02028-02-10T23:59:59.000Z',
      '1969-12-31T23:59:59.999Z',
      '0999-02-10T23:59:59.000Z',
      '2028-02-1xT23:59:59.000Z',
      '2028-02-10T23:59:59.0a0Z',
      '２０２8-02-10T23:59:59.000Z',
      '',
    ];
    for (const occurredAt of cases) {
      const { actual, expected } = answers(occurredAt, now);
      expect({ occurredAt, ...actual }).toEqual({ occurredAt, ...expected });
    }
  });

  it('answers as the general rules did for instants across the years and around the window', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let i = 0; i < 20_000; i++) {
      const at = i % 2 === 0 ? now.getTime() - 40 * 86_400_000 + random() * 41 * 86_400_000 : random() * 4_102_444_800_000;
      const canonical = new Date(Math.floor(at)).toISOString();
      // Every other one damaged in one character, so invalid forms meet the fast path too.
      const position = Math.floor(random() * canonical.length);
      const damaged =
        i % 4 < 2 ? canonical : canonical.slice(0, position) + String(Math.floor(random() * 10)) + canonical.slice(position + 1);
      const { actual, expected } = answers(damaged, now);
      expect({ damaged, ...actual }).toEqual({ damaged, ...expected });
    }
  });
});
