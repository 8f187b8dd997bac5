import { AccountEventType } from '@app/identity';
import { ProjectionTestbed } from '@app/projections';
import { recordedEvent } from '@app/testing';
import { ACCOUNT_PROFILES_TABLE, accountProfileEventTypes, accountProfileProjection } from './account-profile.projection';

const stream = 'account-a-1';
const registered = recordedEvent(
  stream,
  0,
  AccountEventType.Registered,
  { accountId: 'a-1', email: 'ada@example.com', passwordHashSealed: 'v1.x' },
  {
    occurredAt: '2026-01-05T09:00:00.000Z',
  },
);
const later = [
  recordedEvent(stream, 1, AccountEventType.EmailVerified, { email: 'ada@example.com' }),
  recordedEvent(stream, 2, AccountEventType.StaffRolesChanged, { roles: ['support', 'auditor'], previousRoles: [] }),
  recordedEvent(stream, 3, AccountEventType.Suspended, { reason: 'fraud' }),
];

describe('AccountProfile projection', () => {
  let testbed: ProjectionTestbed;
  // One database for the file, emptied before each test: a new PGlite costs about 0.9 s of CPU.
  beforeAll(async () => {
    testbed = await ProjectionTestbed.create(accountProfileProjection);
  });
  beforeEach(() => testbed.db.exec(`DELETE FROM ${ACCOUNT_PROFILES_TABLE}`));
  afterAll(() => testbed.close());

  const rows = () =>
    testbed.rows(
      `SELECT account_id, email, email_verified, created_at::text AS created_at, status, staff_roles FROM ${ACCOUNT_PROFILES_TABLE}`,
    );

  it('reads the event types the accounts context writes', () => {
    expect(Object.values(AccountEventType)).toEqual(expect.arrayContaining([...accountProfileEventTypes]));
  });

  it('starts an unverified, active, basic profile without roles at registration', async () => {
    await testbed.feed([registered]);
    expect(await rows()).toEqual([
      {
        account_id: 'a-1',
        email: 'ada@example.com',
        email_verified: false,
        created_at: '2026-01-05 09:00:00+00',
        status: 'active',
        staff_roles: [],
      },
    ]);
  });

  it('follows verification, roles, suspension and reinstatement', async () => {
    await testbed.feed([registered, ...later]);
    expect(await rows()).toEqual([
      expect.objectContaining({ email_verified: true, staff_roles: ['support', 'auditor'], status: 'suspended' }),
    ]);
    await testbed.feed([recordedEvent(stream, 4, AccountEventType.Reinstated, {})]);
    expect(await rows()).toEqual([expect.objectContaining({ status: 'active' })]);
  });

  it('keeps when a closed account is due for erasure, until it is reopened or erased', async () => {
    const due = () => testbed.rows(`SELECT erasure_due_at::text AS due FROM ${ACCOUNT_PROFILES_TABLE}`);
    await testbed.feed([registered, recordedEvent(stream, 1, AccountEventType.Closed, { erasureDueAt: '2026-02-04T09:00:00.000Z' })]);
    expect(await due()).toEqual([{ due: '2026-02-04 09:00:00+00' }]);
    await testbed.feed([recordedEvent(stream, 2, AccountEventType.Reopened, { method: 'password' })]);
    expect(await due()).toEqual([{ due: null }]);
    await testbed.feed([
      recordedEvent(stream, 3, AccountEventType.Closed, { erasureDueAt: '2026-03-04T09:00:00.000Z' }),
      recordedEvent(stream, 4, AccountEventType.Erased, { reason: 'grace period over', erasedBy: 'schedule' }),
    ]);
    expect(await due()).toEqual([{ due: null }]);
  });

  it('gives the same rows when the same events are fed twice', async () => {
    await testbed.feed([registered, ...later]);
    const once = await rows();
    await testbed.feed([registered, ...later]);
    expect(await rows()).toEqual(once);
  });
});
