import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { isKeyId } from '../domain/api-key-format';
import { ApiKey, apiKeyDecider } from '../domain/api-key.decider';
import { ApiKeyNotFoundError } from '../domain/api-key.errors';
import { apiKeyStream } from '../domain/api-key.events';
import { ApiKeyListingReader, apiKeyView } from '../read-model/api-key-listing.reader';
import { ApiKeyView } from '../read-model/api-key-view';
import { UpdateApiKeyCommand } from './update-api-key.command';

@CommandHandler(UpdateApiKeyCommand)
export class UpdateApiKeyHandler implements ICommandHandler<UpdateApiKeyCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly reader: ApiKeyListingReader,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Answers with the key as it is after the change, from its stream (the listing may lag by up to a second). */
  async execute({ accountId, keyId, changes, context }: UpdateApiKeyCommand): Promise<ApiKeyView> {
    if (!isKeyId(keyId)) throw new ApiKeyNotFoundError();
    const now = this.clock.now();
    const { state } = await this.runner.run(
      apiKeyStream(keyId),
      apiKeyDecider,
      { kind: 'UpdateApiKey', requestedBy: accountId, ...changes, allowedScopes: this.config.apiScopes, now },
      context,
      { accountId, occurredAt: now },
    );
    return apiKeyView(state as ApiKey, await this.reader.lastUsedAt(keyId), now, this.config.apiKeyStaleSeconds);
  }
}
