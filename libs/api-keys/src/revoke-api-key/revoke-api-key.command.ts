import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class RevokeApiKeyCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly keyId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
