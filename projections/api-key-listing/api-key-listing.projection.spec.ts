import {
  ApiKeyCommand,
  apiKeyDecider,
  ApiKeyEvent,
  ApiKeyEventTypeName,
  ApiKeyState,
  apiKeyStream,
  evolveApiKey,
  initialApiKeyState,
} from '@app/api-keys';
import { PGliteDatabase } from '@app/database';
import { RecordedEvent } from '@app/event-store';
import { applyEvents, physicalTableName, ProjectionTestbed, renderDdl } from '@app/projections';
import { recordedEvent, rowsTouched } from '@app/testing';
import { API_KEY_LISTING_TABLE, apiKeyListingEventTypes, apiKeyListingProjection } from './api-key-listing.projection';

// Compile-time: a new event type of the api-keys context that this read model does not fold fails tsc.
type Unfolded = Exclude<ApiKeyEventTypeName, (typeof apiKeyListingEventTypes)[number]>;
const everyEventTypeIsFolded: [Unfolded] extends [never] ? true : never = true;

const allowedScopes = ['chat', 'video', 'models'];

/** Events as the decider writes them, recorded in the key's stream: the projection reads the real shapes. */
class KeyHistory {
  private state: ApiKeyState = initialApiKeyState;
  readonly recorded: RecordedEvent[] = [];

  constructor(private readonly keyId: string) {}

  decide(command: ApiKeyCommand, occurredAt: string): this {
    for (const event of apiKeyDecider.decide(command, this.state) as ApiKeyEvent[]) {
      const revision = this.recorded.length;
      this.recorded.push(
        recordedEvent(apiKeyStream(this.keyId), revision, event.type, { ...event.data }, { occurredAt, accountId: 'account-a' }),
      );
      this.state = evolveApiKey(this.state, { ...event, occurredAt });
    }
    return this;
  }
}

const createCommand = (keyId: string, overrides: Partial<Extract<ApiKeyCommand, { kind: 'CreateApiKey' }>> = {}): ApiKeyCommand => ({
  kind: 'CreateApiKey',
  keyId,
  accountId: 'account-a',
  name: 'production-chatbot-server-1',
  prefix: 'mmx_abcdefgh',
  hash: 'e'.repeat(64),
  scopes: ['chat'],
  expiresAt: new Date('2026-06-01T00:00:00Z'),
  rotatedFrom: null,
  allowedScopes,
  now: new Date('2026-01-05T09:00:00Z'),
  ...overrides,
});

describe('api-key-listing projection', () => {
  let testbed: ProjectionTestbed;

  beforeAll(async () => {
    testbed = await ProjectionTestbed.create(apiKeyListingProjection);
  });

  beforeEach(async () => {
    expect(everyEventTypeIsFolded).toBe(true);
    await testbed.db.exec('DELETE FROM api_key_listing');
  });

  afterAll(() => testbed.close());

  const rows = () =>
    testbed.rows<Record<string, unknown>>(
      `SELECT key_id, account_id, name, prefix, scopes, created_at, expires_at, grace_until, revoked_at, rotated_from, replaced_by,
              expiry_recorded_at
       FROM api_key_listing ORDER BY created_at, key_id`,
    );

  it('lists a created key with its name, prefix, scopes and instants, and no hash', async () => {
    const key = new KeyHistory('key-1').decide(createCommand('key-1'), '2026-01-05T09:00:00.000Z');
    await testbed.feed(key.recorded);
    const [row] = await rows();
    expect(row).toEqual({
      key_id: 'key-1',
      account_id: 'account-a',
      name: 'production-chatbot-server-1',
      prefix: 'mmx_abcdefgh',
      scopes: ['chat'],
      created_at: new Date('2026-01-05T09:00:00.000Z'),
      expires_at: new Date('2026-06-01T00:00:00.000Z'),
      grace_until: null,
      revoked_at: null,
      rotated_from: null,
      replaced_by: null,
      expiry_recorded_at: null,
    });
    expect(JSON.stringify(await testbed.rows('SELECT * FROM api_key_listing'))).not.toContain('e'.repeat(64));
  });

  it('follows renames, scope changes, a rotation and a revocation', async () => {
    const now = new Date('2026-01-06T09:00:00Z');
    const oldKey = new KeyHistory('key-1')
      .decide(createCommand('key-1'), '2026-01-05T09:00:00.000Z')
      .decide(
        { kind: 'UpdateApiKey', requestedBy: 'account-a', name: 'renamed', scopes: ['chat', 'video'], allowedScopes, now },
        '2026-01-06T09:00:00.000Z',
      )
      .decide(
        { kind: 'RotateApiKey', requestedBy: 'account-a', newKeyId: 'key-2', gracePeriodSeconds: 3600, now },
        '2026-01-06T09:00:00.000Z',
      )
      .decide({ kind: 'RevokeApiKey', requestedBy: 'account-a', now: new Date('2026-01-06T09:10:00Z') }, '2026-01-06T09:10:00.000Z');
    const newKey = new KeyHistory('key-2').decide(
      createCommand('key-2', { name: 'renamed', scopes: ['chat', 'video'], rotatedFrom: 'key-1', now }),
      '2026-01-06T09:00:00.000Z',
    );
    await testbed.feed([...oldKey.recorded, ...newKey.recorded]);
    expect(await rows()).toEqual([
      expect.objectContaining({
        key_id: 'key-1',
        name: 'renamed',
        scopes: ['chat', 'video'],
        replaced_by: 'key-2',
        grace_until: new Date('2026-01-06T10:00:00.000Z'),
        revoked_at: new Date('2026-01-06T09:10:00.000Z'),
      }),
      expect.objectContaining({ key_id: 'key-2', name: 'renamed', scopes: ['chat', 'video'], rotated_from: 'key-1', revoked_at: null }),
    ]);
  });

  it('keeps the rows of an expired key: expiry is read from the stored instant, the event only audits it', async () => {
    const key = new KeyHistory('key-1')
      .decide(createCommand('key-1'), '2026-01-05T09:00:00.000Z')
      .decide({ kind: 'RecordApiKeyExpiry', now: new Date('2026-06-02T00:00:00Z') }, '2026-06-02T00:00:00.000Z');
    expect(key.recorded.map((event) => event.type)).toEqual(['api_key.created', 'api_key.expired']);
    await testbed.feed(key.recorded);
    expect(await rows()).toEqual([
      expect.objectContaining({
        key_id: 'key-1',
        expires_at: new Date('2026-06-01T00:00:00.000Z'),
        revoked_at: null,
        expiry_recorded_at: new Date('2026-06-02T00:00:00.000Z'),
      }),
    ]);
  });

  it('gives the same rows when the same events are fed twice', async () => {
    const key = new KeyHistory('key-1')
      .decide(createCommand('key-1'), '2026-01-05T09:00:00.000Z')
      .decide({ kind: 'RevokeApiKey', requestedBy: 'account-a', now: new Date('2026-01-05T10:00:00Z') }, '2026-01-05T10:00:00.000Z');
    await testbed.feed(key.recorded);
    const once = await rows();
    await testbed.feed(key.recorded);
    expect(await rows()).toEqual(once);
  });

  it('gives the same rows from one batch (catch-up, rebuild) as from the events one by one', async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 9, minute)).toISOString();
    const histories = ['key-1', 'key-2', 'key-3'].map((keyId, index) =>
      new KeyHistory(keyId)
        .decide(createCommand(keyId, { expiresAt: index === 2 ? new Date('2026-01-05T09:30:00Z') : null }), at(index))
        .decide({ kind: 'UpdateApiKey', requestedBy: 'account-a', name: `first-${index}`, allowedScopes, now: new Date(at(10)) }, at(10))
        .decide(
          {
            kind: 'UpdateApiKey',
            requestedBy: 'account-a',
            name: `second-${index}`,
            scopes: ['chat', 'video'],
            allowedScopes,
            now: new Date(at(11)),
          },
          at(11),
        ),
    );
    histories[0].decide(
      { kind: 'RotateApiKey', requestedBy: 'account-a', newKeyId: 'key-4', gracePeriodSeconds: 60, now: new Date(at(12)) },
      at(12),
    );
    histories[1].decide({ kind: 'RevokeApiKey', requestedBy: 'account-a', now: new Date(at(13)) }, at(13));
    histories[2].decide({ kind: 'RecordApiKeyExpiry', now: new Date(at(40)) }, at(40));
    // the streams interleaved in the log, each in its own order, on fresh positions
    const queues = histories.map((history) => [...history.recorded]);
    const log: RecordedEvent[] = [];
    for (let turn = 0; queues.some((queue) => queue.length > 0); turn++) {
      const next = queues[turn % queues.length].shift();
      if (next) log.push({ ...next, position: BigInt(1_000 + log.length) });
    }
    expect(new Set(log.map((event) => event.type))).toEqual(new Set(apiKeyListingEventTypes));

    await testbed.feed(log);
    const oneByOne = await rows();
    expect(oneByOne).toHaveLength(3);
    await testbed.db.exec('DELETE FROM api_key_listing');
    await testbed.feedBatch(log);
    expect(await rows()).toEqual(oneByOne);
    await testbed.feedBatch(log); // the same batch again: the same rows
    expect(await rows()).toEqual(oneByOne);
  });

  it("applies a batch one event at a time where a change precedes its key's creation, as one by one would", async () => {
    const key = new KeyHistory('key-1')
      .decide(createCommand('key-1'), '2026-01-05T09:00:00.000Z')
      .decide({ kind: 'RevokeApiKey', requestedBy: 'account-a', now: new Date('2026-01-05T10:00:00Z') }, '2026-01-05T10:00:00.000Z');
    const [created, revoked] = key.recorded;
    await testbed.feedBatch([revoked, created]);
    expect(await rows()).toEqual([expect.objectContaining({ key_id: 'key-1', revoked_at: null })]);
  });

  it('updates the keys of a batch by their primary key, not by reading the whole listing', async () => {
    // A rebuild's generation: the table as created from zero (reader-only indexes deferred), 20,000 keys.
    const db = await PGliteDatabase.open();
    try {
      const table = physicalTableName(API_KEY_LISTING_TABLE, 7);
      await db.exec(renderDdl(apiKeyListingProjection.tables[0], table, { deferIndexes: true }));
      const tables = { [API_KEY_LISTING_TABLE]: table };
      const keyIds = Array.from({ length: 20_000 }, (_, index) => `key-${index}`);
      const created = keyIds.map((keyId) =>
        recordedEvent(`apiKey-${keyId}`, 0, 'api_key.created', {
          keyId,
          accountId: 'account-a',
          name: 'ci',
          prefix: 'mmx_abcdefgh',
          scopes: ['chat'],
          expiresAt: null,
          rotatedFrom: null,
        }),
      );
      for (let from = 0; from < created.length; from += 1_000) {
        await db.transaction((tx) => applyEvents(apiKeyListingProjection, created.slice(from, from + 1_000), tx, tables));
      }
      const renamed = keyIds
        .filter((_, index) => index % 100 === 0)
        .map((keyId) => recordedEvent(`apiKey-${keyId}`, 1, 'api_key.renamed', { keyId, name: 'ci-renamed' }));
      // The batch's statements run as they are; its UPDATE is also explained, with the same parameters.
      const plans: Record<string, unknown>[] = [];
      await db.transaction((tx) =>
        applyEvents(
          apiKeyListingProjection,
          renamed,
          {
            query: async (sql, params) => {
              if (sql.trim().startsWith('UPDATE')) {
                const { rows } = await tx.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(
                  `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
                  params,
                );
                plans.push(rows[0]['QUERY PLAN'][0].Plan);
              }
              return tx.query(sql, params);
            },
            exec: (script) => tx.exec(script),
          },
          tables,
        ),
      );

      const { rows } = await db.query<{ renamed: bigint }>(`SELECT count(*) AS renamed FROM ${table} WHERE name = 'ci-renamed'`);
      expect(rows[0].renamed).toBe(200n);
      expect(plans).toHaveLength(1);
      // 200 keys of 20,000: a hash join over the table (what the planner chose) touches 20,000 rows or more.
      expect(rowsTouched(plans[0])).toBeLessThan(2_000);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('ignores event types it does not know', async () => {
    await testbed.feed([recordedEvent('api_key-x', 0, 'api_key.something_new', { keyId: 'x' })]);
    expect(await rows()).toEqual([]);
  });
});
