import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { ApiKey, apiKeyDecider } from '../domain/api-key.decider';
import { apiKeyStream } from '../domain/api-key.events';
import { issueApiKey } from '../key-issuance';
import { CreateApiKeyCommand } from './create-api-key.command';
import { IssuedApiKeyDto } from './create-api-key.dto';

export function issuedKeyView(key: ApiKey, fullKey: string): IssuedApiKeyDto {
  return {
    id: key.keyId,
    name: key.name,
    prefix: key.prefix,
    scopes: [...key.scopes],
    key: fullKey,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
  };
}

@CommandHandler(CreateApiKeyCommand)
export class CreateApiKeyHandler implements ICommandHandler<CreateApiKeyCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ accountId, name, scopes, expiresAt, context }: CreateApiKeyCommand): Promise<IssuedApiKeyDto> {
    const issued = issueApiKey();
    const now = this.clock.now();
    const { state } = await this.runner.run(
      apiKeyStream(issued.keyId),
      apiKeyDecider,
      {
        kind: 'CreateApiKey',
        keyId: issued.keyId,
        accountId,
        name,
        prefix: issued.prefix,
        hash: issued.hash,
        scopes,
        expiresAt,
        rotatedFrom: null,
        allowedScopes: this.config.apiScopes,
        now,
      },
      context,
      { accountId, occurredAt: now },
    );
    return issuedKeyView(state as ApiKey, issued.key);
  }
}
