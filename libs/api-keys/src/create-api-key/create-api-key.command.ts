import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { IssuedApiKeyDto } from './create-api-key.dto';

export class CreateApiKeyCommand extends Command<IssuedApiKeyDto> {
  constructor(
    readonly accountId: string,
    readonly name: string,
    readonly scopes: readonly string[],
    readonly expiresAt: Date | null,
    readonly context: RequestContext,
  ) {
    super();
  }
}
