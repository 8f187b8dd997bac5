import { ProjectionTestbed } from '@app/projections';
import { recordedEvent } from '@app/testing';
import { auditTrailProjection } from './audit-trail.projection';

describe('audit-trail projection', () => {
  let testbed: ProjectionTestbed;
  beforeAll(async () => {
    testbed = await ProjectionTestbed.create(auditTrailProjection);
  });
  afterAll(() => testbed.close());

  const events = [
    recordedEvent('account-a', 0, 'account.registered', { email: 'a@example.com' }, { accountId: 'a', position: 10n }),
    recordedEvent(
      'api_key-k1',
      0,
      'api_key.created',
      { name: 'ci' },
      { accountId: 'a', position: 11n, occurredAt: '2026-01-06T00:00:00.000Z' },
    ),
    recordedEvent('signin_guard-x', 0, 'sign_in_guard.failure_recorded', { accountId: null }, { position: 12n }),
    recordedEvent('account-b', 0, 'account.registered', { email: 'b@example.com' }, { accountId: 'b', position: 13n }),
    recordedEvent('api_key-k1', 1, 'api_key.revoked', {}, { accountId: 'a', position: 14n, actor: { kind: 'staff', id: 's' } }),
  ];

  it("indexes each event of an account by position, with its stream, revision, type and instant, and the account's streams", async () => {
    await testbed.feed(events);
    await testbed.feed(events); // the same events again: the same rows

    const trail = await testbed.rows<{ position: bigint; stream: string; revision: number; type: string }>(
      `SELECT position, stream, revision, type FROM audit_trail WHERE account_id = 'a' ORDER BY position`,
    );
    expect(trail.map((row) => [Number(row.position), row.stream, row.revision, row.type])).toEqual([
      [10, 'account-a', 0, 'account.registered'],
      [11, 'api_key-k1', 0, 'api_key.created'],
      [14, 'api_key-k1', 1, 'api_key.revoked'],
    ]);
    const streams = await testbed.rows<{ stream: string; first_position: bigint; last_revision: number }>(
      `SELECT stream, first_position, last_revision FROM audit_trail_streams WHERE account_id = 'a' ORDER BY first_position`,
    );
    expect(streams.map((row) => [row.stream, Number(row.first_position), row.last_revision])).toEqual([
      ['account-a', 10, 0],
      ['api_key-k1', 11, 1],
    ]);
  });

  it('gives the same rows from one batch (catch-up, rebuild) as from the events one by one', async () => {
    const trail = () =>
      testbed.rows(
        `SELECT t.*, s.first_position, s.last_revision FROM audit_trail t JOIN audit_trail_streams s USING (account_id, stream) ORDER BY position`,
      );
    await testbed.db.exec('DELETE FROM audit_trail; DELETE FROM audit_trail_streams');
    await testbed.feed(events);
    const oneByOne = await trail();
    expect(oneByOne).toHaveLength(4);
    await testbed.db.exec('DELETE FROM audit_trail; DELETE FROM audit_trail_streams');
    await testbed.feedBatch(events);
    expect(await trail()).toEqual(oneByOne);
    await testbed.feedBatch(events); // again: the same rows
    expect(await trail()).toEqual(oneByOne);
  });

  it("gives the same streams filled from the trail after a rebuild's batches as folded with them", async () => {
    const trail = () =>
      testbed.rows(
        `SELECT t.*, s.first_position, s.last_revision FROM audit_trail t JOIN audit_trail_streams s USING (account_id, stream) ORDER BY position`,
      );
    await testbed.db.exec('DELETE FROM audit_trail; DELETE FROM audit_trail_streams');
    await testbed.feedBatch(events);
    const folded = await trail();
    await testbed.db.exec('DELETE FROM audit_trail; DELETE FROM audit_trail_streams');
    await testbed.feedBatchThenFill(events.slice(0, 2));
    await testbed.feed(events.slice(2)); // followed live once filled
    expect(await trail()).toEqual(folded);
    expect(await testbed.rows('SELECT * FROM audit_trail_streams ORDER BY first_position')).toHaveLength(3);
  });

  it('leaves out events that name no account', async () => {
    const rows = await testbed.rows(`SELECT * FROM audit_trail WHERE stream = 'signin_guard-x'`);
    expect(rows).toHaveLength(0);
    expect(await testbed.rows(`SELECT * FROM audit_trail`)).toHaveLength(4);
  });
});
