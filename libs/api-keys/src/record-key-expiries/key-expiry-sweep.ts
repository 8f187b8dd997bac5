import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, LOGGER, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { Clock, CommandRunner, systemContext } from '@app/ddd';
import { JobHandler } from '@app/messaging';
import { sweepCandidates, sweepSchedule, SweepOutcome } from '@app/projections';
import { Logger as PinoLogger } from 'pino';
import { API_KEY_LISTING_TABLE } from '../../../../projections/api-key-listing/api-key-listing.projection';
import { apiKeyDecider } from '../domain/api-key.decider';
import { apiKeyStream } from '../domain/api-key.events';

export const API_KEYS_QUEUE = 'api-keys';
export const RECORD_KEY_EXPIRIES_JOB = 'record-key-expiries';
/** Keys looked at per run; what is left waits for the next run. */
export const KEY_EXPIRY_BATCH = 500;

export const keyExpirySchedule = sweepSchedule('api-keys.record-key-expiries', RECORD_KEY_EXPIRIES_JOB);

/**
 * Tidying only: writes `api_key.expired` into the audit trail of keys whose expiry (or rotation grace
 * period) has passed. A key stops working at that instant whether or not this ever runs: verification
 * and the listing compare the stored instants with the clock.
 *
 * Candidates come from the listing (not revoked, no expiry recorded, effective end passed); each is then
 * decided on its own stream and appended with that stream's exact revision, so a key revoked or already
 * recorded meanwhile gets nothing, and a second run appends nothing.
 */
@Injectable()
export class KeyExpirySweep {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: PinoLogger,
  ) {}

  handler(): JobHandler {
    return async (job) => {
      const outcome = await this.run(job.id);
      if (outcome.recorded > 0) this.logger.info({ component: 'api-keys', ...outcome }, 'key expiries recorded');
    };
  }

  async run(correlationId: string, batch = KEY_EXPIRY_BATCH): Promise<SweepOutcome> {
    const now = this.clock.now();
    const { rows } = await this.db.query<{ key_id: string; account_id: string }>(
      `SELECT key_id, account_id FROM ${API_KEY_LISTING_TABLE}
        WHERE revoked_at IS NULL AND expiry_recorded_at IS NULL AND LEAST(expires_at, grace_until) <= $1
        ORDER BY LEAST(expires_at, grace_until), key_id
        LIMIT $2`,
      [now.toISOString(), batch],
    );
    return sweepCandidates(
      rows,
      async ({ key_id: keyId, account_id: accountId }) => {
        const outcome = await this.runner.run(
          apiKeyStream(keyId),
          apiKeyDecider,
          { kind: 'RecordApiKeyExpiry', now },
          systemContext(correlationId),
          { accountId, occurredAt: now },
        );
        return outcome.events.length;
      },
      ({ key_id: keyId }, error) => this.logger.warn({ component: 'api-keys', keyId, err: error.message }, 'key expiry not recorded'),
      'keys',
    );
  }
}
