import { Query } from '@nestjs/cqrs';
import { ApiKeyView } from '../read-model/api-key-view';

export class GetApiKeyQuery extends Query<ApiKeyView> {
  constructor(
    readonly accountId: string,
    readonly keyId: string,
  ) {
    super();
  }
}
