import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { ApiKeyListingReader, ApiKeyPage } from '../read-model/api-key-listing.reader';
import { ListApiKeysQuery } from './list-api-keys.query';

@QueryHandler(ListApiKeysQuery)
export class ListApiKeysHandler implements IQueryHandler<ListApiKeysQuery> {
  constructor(
    private readonly reader: ApiKeyListingReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ accountId, listing }: ListApiKeysQuery): Promise<ApiKeyPage> {
    return this.reader.list(accountId, listing, this.clock.now());
  }
}
