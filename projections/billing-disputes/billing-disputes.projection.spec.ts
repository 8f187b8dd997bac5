import { RecordedEvent } from '@app/event-store';
import { ProjectionTestbed } from '@app/projections';
import { recordedEvent } from '@app/testing';
import {
  disputeDecider,
  DisputeCommand,
  DisputeState,
  evolveDispute,
  initialDisputeState,
  DisputeEvent,
  disputeStream,
} from '@app/billing';
import { billingDisputesProjection } from './billing-disputes.projection';

/** Events as the decider writes them, so the projection reads the real shapes. */
function history(disputeId: string, steps: [DisputeCommand, string][]): RecordedEvent[] {
  let state: DisputeState = initialDisputeState;
  const recorded: RecordedEvent[] = [];
  for (const [command, occurredAt] of steps) {
    for (const event of disputeDecider.decide(command, state) as DisputeEvent[]) {
      recorded.push(
        recordedEvent(disputeStream(disputeId), recorded.length, event.type, { ...event.data }, { occurredAt, accountId: 'account-a' }),
      );
      state = evolveDispute(state, { ...event, occurredAt });
    }
  }
  return recorded;
}

describe('billing-disputes projection', () => {
  let testbed: ProjectionTestbed;
  beforeAll(async () => {
    testbed = await ProjectionTestbed.create(billingDisputesProjection);
  });
  afterAll(() => testbed.close());

  const events = history('d1', [
    [
      {
        kind: 'OpenDispute',
        disputeId: 'd1',
        accountId: 'account-a',
        invoiceNumber: 'INV-2026-000001',
        chargeRef: null,
        description: 'Charged twice',
        openedVia: 'account',
        now: new Date('2026-12-04T16:45:00Z'),
        holidays: [],
      },
      '2026-12-04T16:45:00.000Z',
    ],
    [{ kind: 'AnswerDispute', answerId: 'a1', message: 'Looking into it' }, '2026-12-07T09:00:00.000Z'],
    [{ kind: 'ResolveDispute', outcome: 'upheld', creditMicros: 1_000_000 }, '2026-12-08T09:00:00.000Z'],
  ]);

  it('keeps one row per dispute with its answers and outcome, the same after the events are fed twice', async () => {
    await testbed.feed(events);
    const first = await testbed.rows('SELECT * FROM billing_disputes');
    expect(first).toEqual([
      expect.objectContaining({
        dispute_id: 'd1',
        account_id: 'account-a',
        invoice_number: 'INV-2026-000001',
        status: 'resolved',
        respond_by: new Date('2026-12-08T16:45:00.000Z'),
        answers: [{ id: 'a1', message: 'Looking into it', at: '2026-12-07T09:00:00.000Z' }],
        outcome: 'upheld',
      }),
    ]);
    await testbed.feed(events);
    expect(await testbed.rows('SELECT * FROM billing_disputes')).toEqual(first);
  });
});
