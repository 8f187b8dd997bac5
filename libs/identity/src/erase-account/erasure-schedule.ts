import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, LOGGER, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { Clock, systemContext } from '@app/ddd';
import { JobHandler } from '@app/messaging';
import { sweepCandidates, sweepSchedule, SweepOutcome } from '@app/projections';
import { Logger as PinoLogger } from 'pino';
import { ACCOUNT_PROFILES_TABLE } from '../../../../projections/account-profile/account-profile.projection';
import { EraseAccountCommand } from './erase-account.command';

export const ERASE_DUE_ACCOUNTS_JOB = 'erase-due-accounts';
/** Accounts erased per run; what is left waits for the next run. */
export const ERASURE_BATCH = 100;
export const ERASURE_REASON = 'closed by the holder; the grace period ended';

export const erasureSchedule = sweepSchedule('accounts.erase-due-accounts', ERASE_DUE_ACCOUNTS_JOB);

/**
 * Erases the accounts whose closure's grace period ended (ERASURE_GRACE_SECONDS after `DELETE /v1/me`):
 * the exception to "time is decided when read", since destroying a data key is an act, not a reading.
 * From the deadline the account already reads as erased (no sign-in, no reopening); this run makes it
 * so. Candidates come from AccountProfile (`erasure_due_at` passed); each is decided again on the
 * account's stream by `EraseAccountCommand` (`erasedBy: schedule`: nothing for an account reopened
 * meanwhile), whose every step is a no-op once done, so a second run, or a retry, changes nothing.
 * Runs where job workers run (the worker and embedded roles), every 5 minutes.
 */
@Injectable()
export class ErasureSchedule {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: PinoLogger,
  ) {}

  handler(): JobHandler {
    return async (job) => {
      const { examined, recorded } = await this.run(job.id);
      if (examined > 0) this.logger.info({ component: 'accounts', examined, erased: recorded }, 'closed accounts erased');
    };
  }

  async run(correlationId: string, batch = ERASURE_BATCH): Promise<SweepOutcome> {
    const { rows } = await this.db.query<{ account_id: string }>(
      `SELECT account_id FROM ${ACCOUNT_PROFILES_TABLE} WHERE erasure_due_at <= $1 ORDER BY erasure_due_at, account_id LIMIT $2`,
      [this.clock.now().toISOString(), batch],
    );
    return sweepCandidates(
      rows,
      async ({ account_id: accountId }) =>
        (await this.commandBus.execute(new EraseAccountCommand(accountId, ERASURE_REASON, 'schedule', systemContext(correlationId))))
          ? 1
          : 0,
      ({ account_id: accountId }, error) =>
        this.logger.warn({ component: 'accounts', accountId, err: error.message }, 'closed account not erased'),
      'closed accounts',
    );
  }
}
