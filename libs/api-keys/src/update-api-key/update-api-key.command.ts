import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { ApiKeyView } from '../read-model/api-key-view';

export class UpdateApiKeyCommand extends Command<ApiKeyView> {
  constructor(
    readonly accountId: string,
    readonly keyId: string,
    readonly changes: { readonly name?: string; readonly scopes?: readonly string[] },
    readonly context: RequestContext,
  ) {
    super();
  }
}
