import { Query } from '@nestjs/cqrs';
import { ApiKeyPage, ListingQuery } from '../read-model/api-key-listing.reader';

export class ListApiKeysQuery extends Query<ApiKeyPage> {
  constructor(
    readonly accountId: string,
    readonly listing: ListingQuery,
  ) {
    super();
  }
}
