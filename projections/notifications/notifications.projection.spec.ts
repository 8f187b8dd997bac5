import { NotificationEventType } from '@app/billing';
import { ProjectionTestbed } from '@app/projections';
import { recordedEvent } from '@app/testing';
import { NOTIFICATIONS_TABLE, notificationsProjection } from './notifications.projection';

const stream = 'notifications-a-1';
const id = '6f1c1f9e-6a43-4c1e-9d7e-3f5f8b0a1c2d';
const events = [
  recordedEvent(
    stream,
    0,
    NotificationEventType.Created,
    { notificationId: id, accountId: 'a-1', kind: 'spending_alert', title: 'Spending alert', body: 'chat reached 80%' },
    { occurredAt: '2026-01-05T09:00:00.000Z' },
  ),
  recordedEvent(
    stream,
    1,
    NotificationEventType.Read,
    { notificationId: id, accountId: 'a-1' },
    { occurredAt: '2026-01-05T10:00:00.000Z' },
  ),
  recordedEvent(
    stream,
    2,
    NotificationEventType.Read,
    { notificationId: id, accountId: 'a-1' },
    { occurredAt: '2026-01-06T10:00:00.000Z' },
  ),
];

describe('Notifications projection', () => {
  let testbed: ProjectionTestbed;
  beforeEach(async () => {
    testbed = await ProjectionTestbed.create(notificationsProjection);
  });
  afterEach(() => testbed.close());

  const rows = () =>
    testbed.rows(
      `SELECT notification_id, account_id, kind, title, created_at::text AS created_at, read_at::text AS read_at FROM ${NOTIFICATIONS_TABLE}`,
    );

  it('keeps one row per notification with the first instant it was read', async () => {
    await testbed.feed(events);
    expect(await rows()).toEqual([
      {
        notification_id: id,
        account_id: 'a-1',
        kind: 'spending_alert',
        title: 'Spending alert',
        created_at: '2026-01-05 09:00:00+00',
        read_at: '2026-01-05 10:00:00+00',
      },
    ]);
    await testbed.feed(events);
    expect(await rows()).toHaveLength(1);
  });
});
