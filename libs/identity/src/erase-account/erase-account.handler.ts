import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, DATA_KEY_STORE, EVENT_STORE, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { Clock, CommandRunner, EventCatalog, releaseUniqueValue } from '@app/ddd';
import { DataKeyStore, ERASED, EventStore } from '@app/event-store';
import { ReadSideRegistry } from '@app/projections';
import { accountDecider, readsAsErased } from '../domain/account.decider';
import { AccountResourceNotFoundError } from '../domain/account.errors';
import { accountStream } from '../domain/account.events';
import { ProviderIdentities } from '../oidc/provider-identities';
import { EraseAccountCommand } from './erase-account.command';
import { eraseReadModels } from './read-model-erasure';

/**
 * Erasure, in an order that a retry completes: `account.erased` (ends every session at once, records
 * who and when), then the reservations of the email and of every linked provider identity released
 * (the address can register again, the identity sign up anew), then the data key destroyed (every
 * personal field of the account's events reads "[erased]" from then on), then the read models blanked.
 * Each step is a no-op when it already happened.
 */
@CommandHandler(EraseAccountCommand)
export class EraseAccountHandler implements ICommandHandler<EraseAccountCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly readSide: ReadSideRegistry,
    private readonly catalog: EventCatalog,
    private readonly identities: ProviderIdentities,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_KEY_STORE) private readonly keys: DataKeyStore,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, reason, erasedBy, context }: EraseAccountCommand): Promise<boolean> {
    const now = this.clock.now();
    const { state } = await this.runner.load(accountStream(accountId), accountDecider);
    if (!state.exists) throw new AccountResourceNotFoundError('account');
    // Reopened meanwhile, or not due yet: nothing of it is erased.
    if (erasedBy === 'schedule' && !readsAsErased(state, now)) return false;
    const outcome = await this.runner.run(
      accountStream(accountId),
      accountDecider,
      { kind: 'EraseAccount', reason, erasedBy, now },
      context,
      { accountId, occurredAt: now },
    );
    if (state.email !== ERASED) {
      await releaseUniqueValue(this.store, { kind: 'email', normalisedValue: state.email, ownerId: accountId, context, now });
    }
    await this.identities.releaseAll(state, context, now);
    await this.keys.destroy(accountId);
    await eraseReadModels(this.db, this.readSide, this.catalog, accountId);
    return outcome.events.length > 0;
  }
}
