import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { ProviderIdentities } from '../oidc/provider-identities';
import { UnlinkIdentityCommand } from './unlink-identity.command';

/** The rule (never the last way to sign in) is the decider's; sessions already started stay live. */
@CommandHandler(UnlinkIdentityCommand)
export class UnlinkIdentityHandler implements ICommandHandler<UnlinkIdentityCommand> {
  constructor(
    private readonly identities: ProviderIdentities,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ accountId, provider, context }: UnlinkIdentityCommand): Promise<void> {
    return this.identities.unlink(accountId, provider, context, this.clock.now());
  }
}
