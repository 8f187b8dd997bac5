import {
  freshUsageLedgerState,
  outcomesOf,
  receivingPeriods,
  RecordUsage,
  usageLedgerDecider,
  UsageEvent,
  UsageEventType,
  UsageRecord,
} from '@app/billing';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(usageLedgerDecider);
const accountId = 'account-a';
const period = '2026-01';
const record = (key: string, service = 'chat', amountMicros = 100): UsageRecord => ({
  idempotencyKey: key,
  service,
  amountMicros,
  occurredAt: '2026-01-05T08:00:00.000Z',
});
const recorded = (records: UsageRecord[], totals: Record<string, number>): UsageEvent => ({
  type: UsageEventType.Recorded,
  data: { accountId, period, records, totals },
});
const recordUsage = (...submissions: UsageRecord[][]): RecordUsage => ({
  kind: 'RecordUsage',
  accountId,
  period,
  submissions,
  heldElsewhere: [],
});

describe('usage ledger decider', () => {
  it('records new keys with the totals they make', () => {
    spec
      .given([recorded([record('k1', 'chat', 100)], { chat: 100 })])
      .when(recordUsage([record('k2', 'video', 250), record('k3', 'chat', 5)]))
      .then([recorded([record('k2', 'video', 250), record('k3', 'chat', 5)], { chat: 105, video: 250 })]);
  });

  it('drops keys the ledger holds and repeats inside one decision, across submissions', () => {
    const given = spec.given([recorded([record('k1')], { chat: 100 })]);
    given
      .when(recordUsage([record('k1'), record('k2')], [record('k2'), record('k3')]))
      .then([recorded([record('k2'), record('k3')], { chat: 300 })]);
    expect(outcomesOf(recordUsage([record('k1'), record('k2')], [record('k2'), record('k3')]), given.state)).toEqual([
      { accepted: 1, duplicates: 1, periodClosed: false },
      { accepted: 1, duplicates: 1, periodClosed: false },
    ]);
  });

  it('counts a key once per account: one held by another ledger of the account is a duplicate here', () => {
    const command: RecordUsage = {
      ...recordUsage([record('moved'), record('k2')]),
      heldElsewhere: [new Set(['other']), new Set(['moved'])],
    };
    const given = spec.given([]);
    given.when(command).then([recorded([record('k2')], { chat: 100 })]);
    expect(outcomesOf(command, given.state)).toEqual([{ accepted: 1, duplicates: 1, periodClosed: false }]);
  });

  it('names the periods that can receive records: 35 days back to 60 s ahead, at most three months', () => {
    const day = 86_400_000;
    expect(receivingPeriods(new Date('2026-03-02T00:00:00.000Z'), 35 * day, 60_000)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(receivingPeriods(new Date('2026-03-20T00:00:00.000Z'), 35 * day, 60_000)).toEqual(['2026-02', '2026-03']);
    expect(receivingPeriods(new Date('2026-12-31T23:59:30.000Z'), 35 * day, 60_000)).toEqual(['2026-11', '2026-12', '2027-01']);
  });

  it('writes nothing when every key is known', () => {
    spec
      .given([recorded([record('k1')], { chat: 100 })])
      .when(recordUsage([record('k1')]))
      .then([]);
  });

  it('refuses everything once the ledger is closed, and closes once', () => {
    const closed: UsageEvent = { type: UsageEventType.LedgerClosed, data: { accountId, period, totals: { chat: 100 }, records: 1 } };
    const given = spec.given([recorded([record('k1')], { chat: 100 }), closed]);
    given.when(recordUsage([record('k2')])).then([]);
    expect(outcomesOf(recordUsage([record('k2')]), given.state)).toEqual([{ accepted: 0, duplicates: 0, periodClosed: true }]);
    given.when({ kind: 'CloseUsageLedger', accountId, period }).then([]);
    spec
      .given([recorded([record('k1')], { chat: 100 })])
      .when({ kind: 'CloseUsageLedger', accountId, period })
      .then([closed]);
  });

  it('gives every fold its own state', () => {
    expect(usageLedgerDecider.initialState).not.toBe(usageLedgerDecider.initialState);
    expect(freshUsageLedgerState().keys.size).toBe(0);
  });
});
