import { ProjectionTestbed } from '@app/projections';
import { recordedEvent } from '@app/testing';
import { recoveryCasesProjection } from './recovery-cases.projection';

describe('recovery-cases projection', () => {
  let testbed: ProjectionTestbed;
  beforeAll(async () => {
    testbed = await ProjectionTestbed.create(recoveryCasesProjection);
  });
  afterAll(() => testbed.close());

  const opened = (caseId: string, dueBy: string) =>
    recordedEvent(`recovery_case-${caseId}`, 0, 'recovery.case_opened', {
      caseId,
      accountId: 'account-a',
      fromEmail: 'x@example.com',
      accountEmail: 'a@example.com',
      subject: 'Account Recovery Request',
      body: 'help',
      lost: 'password',
      senderMatchesAccount: false,
      dueBy,
    });

  it('keeps one row per case with its status and deadline, and no personal data', async () => {
    const events = [
      opened('c1', '2026-01-07T09:00:00.000Z'),
      opened('c2', '2026-01-08T09:00:00.000Z'),
      recordedEvent('recovery_case-c2', 1, 'recovery.case_denied', { reason: 'no evidence' }, { occurredAt: '2026-01-06T10:00:00.000Z' }),
    ];
    await testbed.feed(events);
    await testbed.feed(events);
    const rows = await testbed.rows<Record<string, unknown>>(`SELECT * FROM recovery_cases ORDER BY case_id`);
    expect(rows.map((row) => [row.case_id, row.status, row.lost, row.sender_matches_account])).toEqual([
      ['c1', 'open', 'password', false],
      ['c2', 'denied', 'password', false],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/example\.com|Recovery Request|no evidence/);
  });
});
