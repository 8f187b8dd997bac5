import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { Clock, CommandRunner, systemContext } from '@app/ddd';
import { RecordedEvent } from '@app/event-store';
import { JobHandler } from '@app/messaging';
import { JobRequest, Reaction } from '@app/projections';
import { API_KEY_LISTING_TABLE } from '../../../../projections/api-key-listing/api-key-listing.projection';
import { ACCOUNT_CLOSED, ACCOUNT_ERASED } from '../domain/account-standing';
import { apiKeyDecider } from '../domain/api-key.decider';
import { apiKeyStream } from '../domain/api-key.events';
import { API_KEYS_QUEUE } from '../record-key-expiries/key-expiry-sweep';

export const REVOKE_ACCOUNT_KEYS_JOB = 'revoke-account-keys';

export interface RevokeAccountKeysJob {
  readonly accountId: string;
}

/**
 * Closing or erasing an account revokes its keys. Verification refuses them from the instant the
 * account's event is appended (it follows the log: see `refusalOf`); this reaction then records
 * `api_key.revoked` in each key's stream, so the listing, the auditors' state and every later command
 * on the key (rotation included) see it revoked, also after a reopening.
 */
export const accountKeyRevocationsReaction: Reaction = {
  name: 'api-keys.account-key-revocations',
  eventTypePrefixes: [ACCOUNT_CLOSED, ACCOUNT_ERASED],
  react(event: RecordedEvent): JobRequest[] {
    const accountId = event.metadata.accountId;
    if (typeof accountId !== 'string' || (event.type !== ACCOUNT_CLOSED && event.type !== ACCOUNT_ERASED)) return [];
    const payload: RevokeAccountKeysJob = { accountId };
    return [{ queue: API_KEYS_QUEUE, name: REVOKE_ACCOUNT_KEYS_JOB, payload }];
  },
};

@Injectable()
export class AccountKeyRevocations {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  handler(): JobHandler<RevokeAccountKeysJob> {
    return async (job) => {
      await this.revokeAll(job.payload.accountId, job.id);
    };
  }

  /** Idempotent: a key already revoked gets nothing (its decider says so). Resolves to the revocations written. */
  async revokeAll(accountId: string, correlationId: string): Promise<number> {
    const { rows } = await this.db.query<{ key_id: string }>(
      `SELECT key_id FROM ${API_KEY_LISTING_TABLE} WHERE account_id = $1 AND revoked_at IS NULL ORDER BY key_id`,
      [accountId],
    );
    let revoked = 0;
    for (const { key_id: keyId } of rows) {
      const now = this.clock.now();
      const outcome = await this.runner.run(
        apiKeyStream(keyId),
        apiKeyDecider,
        { kind: 'RevokeApiKey', requestedBy: accountId, now },
        systemContext(correlationId),
        { accountId, occurredAt: now },
      );
      revoked += outcome.events.length;
    }
    return revoked;
  }
}
