import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { isKeyId } from '../domain/api-key-format';
import { apiKeyDecider } from '../domain/api-key.decider';
import { ApiKeyNotFoundError } from '../domain/api-key.errors';
import { apiKeyStream } from '../domain/api-key.events';
import { RevokeApiKeyCommand } from './revoke-api-key.command';

/** Effective on every api instance within a second: their verification caches follow the event log. */
@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, keyId, context }: RevokeApiKeyCommand): Promise<void> {
    if (!isKeyId(keyId)) throw new ApiKeyNotFoundError();
    const now = this.clock.now();
    await this.runner.run(apiKeyStream(keyId), apiKeyDecider, { kind: 'RevokeApiKey', requestedBy: accountId, now }, context, {
      accountId,
      occurredAt: now,
    });
  }
}
