import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { isKeyId } from '../domain/api-key-format';
import { ApiKeyNotFoundError } from '../domain/api-key.errors';
import { ApiKeyListingReader } from '../read-model/api-key-listing.reader';
import { ApiKeyView } from '../read-model/api-key-view';
import { GetApiKeyQuery } from './get-api-key.query';

@QueryHandler(GetApiKeyQuery)
export class GetApiKeyHandler implements IQueryHandler<GetApiKeyQuery> {
  constructor(
    private readonly reader: ApiKeyListingReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Another account's key answers exactly like a missing one. */
  async execute({ accountId, keyId }: GetApiKeyQuery): Promise<ApiKeyView> {
    const view = isKeyId(keyId) ? await this.reader.get(accountId, keyId, this.clock.now()) : undefined;
    if (!view) throw new ApiKeyNotFoundError();
    return view;
  }
}
