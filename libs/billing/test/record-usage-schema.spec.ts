import { InvalidRequestError } from '@app/http';
import { UsageRequestParser } from '../src/record-usage/record-usage.schema';

// The edges of the compiled schema: what it accepts as given, and every bad field naming itself, alone
// and in a batch.
const parser = new UsageRequestParser(['chat', 'video', 'models']);
const good = {
  accountId: '6F1C2A4E-0b7d-4c39-9a52-3e8f1d2b7c60',
  service: 'chat',
  amountMicros: 1_500,
  idempotencyKey: 'key-1',
  occurredAt: '2026-01-05T09:00:00.000Z',
};

function refusedFields(body: unknown): string[] {
  try {
    parser.parse(body);
  } catch (error) {
    if (error instanceof InvalidRequestError) return (error.extra.details as readonly { field: string }[]).map((detail) => detail.field);
    throw error;
  }
  return [];
}

describe('usage request parser', () => {
  it('accepts records at the edges of the schema, one or in a batch, as given', () => {
    const edges = [
      good,
      { ...good, amountMicros: 0 },
      { ...good, amountMicros: 1_000_000_000_000 },
      { ...good, idempotencyKey: '!'.repeat(200) },
      { ...good, idempotencyKey: '~' },
      { ...good, occurredAt: 'x'.repeat(40) }, // the instant's own rules come after the schema
      { ...good, occurredAt: 'é'.repeat(21) + 'x'.repeat(19) }, // 40 code points: the schema decides
    ];
    for (const record of edges) expect(parser.parse(record)).toEqual({ records: [record], single: true });
    expect(parser.parse({ records: edges })).toEqual({ records: edges, single: false });
    const full = Array.from({ length: 1_000 }, () => good);
    expect(parser.parse({ records: full }).records).toHaveLength(1_000);
  });

  it('refuses every malformed field, alone or in a batch, naming it', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...good, accountId: 'not-a-uuid' }, 'accountId'],
      [{ ...good, accountId: `${good.accountId}\n` }, 'accountId'],
      [{ ...good, accountId: 7 }, 'accountId'],
      [{ ...good, service: 'music' }, 'service'],
      [{ ...good, service: ['chat'] }, 'service'],
      [{ ...good, amountMicros: -1 }, 'amountMicros'],
      [{ ...good, amountMicros: 1.5 }, 'amountMicros'],
      [{ ...good, amountMicros: 1_000_000_000_001 }, 'amountMicros'],
      [{ ...good, amountMicros: '1500' }, 'amountMicros'],
      [{ ...good, idempotencyKey: '' }, 'idempotencyKey'],
      [{ ...good, idempotencyKey: 'with space' }, 'idempotencyKey'],
      [{ ...good, idempotencyKey: 'é' }, 'idempotencyKey'],
      [{ ...good, idempotencyKey: 'k'.repeat(201) }, 'idempotencyKey'],
      [{ ...good, occurredAt: 'x'.repeat(41) }, 'occurredAt'],
      [{ ...good, occurredAt: 5 }, 'occurredAt'],
      [{ ...good, extra: true }, 'extra'],
      [{ accountId: good.accountId, service: 'chat', amountMicros: 1, idempotencyKey: 'k' }, 'occurredAt'],
    ];
    for (const [record, field] of cases) {
      expect(refusedFields(record)).toContain(field);
      expect(refusedFields({ records: [good, record] })).toContain(`records[1].${field}`);
    }
  });

  it('refuses batches of the wrong shape', () => {
    expect(refusedFields({ records: [] })).toEqual(['records']);
    expect(refusedFields({ records: Array.from({ length: 1_001 }, () => good) })).toEqual(['records']);
    expect(refusedFields({ records: [good], extra: 1 })).toEqual(['extra']);
    expect(refusedFields({ records: good })).toEqual(['records']);
    expect(refusedFields({ records: [good, null] })).toEqual(['records[1]']);
    expect(refusedFields([good])).toEqual(['body']);
  });
});
