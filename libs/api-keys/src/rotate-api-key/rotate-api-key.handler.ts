import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { isKeyId } from '../domain/api-key-format';
import { ApiKey, apiKeyDecider } from '../domain/api-key.decider';
import { ApiKeyNotFoundError } from '../domain/api-key.errors';
import { apiKeyStream } from '../domain/api-key.events';
import { issuedKeyView } from '../create-api-key/create-api-key.handler';
import { IssuedApiKeyDto } from '../create-api-key/create-api-key.dto';
import { issueApiKey } from '../key-issuance';
import { RotateApiKeyCommand } from './rotate-api-key.command';

/**
 * Rotation touches two streams, so it is two appends, ordered so that a failure between them is
 * harmless: first the new key (a fresh stream: it cannot conflict), then `rotated` on the old key with
 * its expected revision. If the old key changed in between and can no longer be rotated (revoked,
 * rotated by a concurrent request), the new key is revoked again before the error is answered, so no
 * key that nobody has seen stays active. A crash between the two appends leaves a new key whose
 * secret no one ever received: listed, revocable, and the old key unchanged, so rotating again works.
 */
@CommandHandler(RotateApiKeyCommand)
export class RotateApiKeyHandler implements ICommandHandler<RotateApiKeyCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ accountId, keyId, gracePeriodSeconds, context }: RotateApiKeyCommand): Promise<IssuedApiKeyDto> {
    if (!isKeyId(keyId)) throw new ApiKeyNotFoundError();
    const now = this.clock.now();
    const issued = issueApiKey();
    const rotate = { kind: 'RotateApiKey', requestedBy: accountId, newKeyId: issued.keyId, gracePeriodSeconds, now } as const;

    // Decide on the current state first, so the usual refusals (not found, revoked, bad grace) create nothing.
    const { state } = await this.runner.load(apiKeyStream(keyId), apiKeyDecider);
    apiKeyDecider.decide(rotate, state);
    const old = state as ApiKey;

    const created = await this.runner.run(
      apiKeyStream(issued.keyId),
      apiKeyDecider,
      {
        kind: 'CreateApiKey',
        keyId: issued.keyId,
        accountId,
        name: old.name,
        prefix: issued.prefix,
        hash: issued.hash,
        scopes: old.scopes,
        expiresAt: old.expiresAt === null ? null : new Date(old.expiresAt),
        rotatedFrom: keyId,
        allowedScopes: this.config.apiScopes,
        now,
      },
      context,
      { accountId, occurredAt: now },
    );
    try {
      await this.runner.run(apiKeyStream(keyId), apiKeyDecider, rotate, context, { accountId, occurredAt: now });
    } catch (error) {
      await this.withdraw(issued.keyId, accountId, context, now);
      throw error;
    }
    return issuedKeyView(created.state as ApiKey, issued.key);
  }

  private async withdraw(newKeyId: string, accountId: string, context: RequestContext, now: Date): Promise<void> {
    await this.runner.run(apiKeyStream(newKeyId), apiKeyDecider, { kind: 'RevokeApiKey', requestedBy: accountId, now }, context, {
      accountId,
      occurredAt: now,
    });
  }
}
