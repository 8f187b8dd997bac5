import createClient, { Client, ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, operations, paths } from './schema';

/** A schema of the API reference by name: `Schema<'IssuedApiKeyDto'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export type AccountServiceClient = Client<paths>;

/**
 * The typed client of the account service, generated from its OpenAPI document (`npm run client:generate`):
 * `client.POST('/v1/api-keys', { body, headers })` checks the path, the body and the answer's type.
 * `fetch` can be swapped (a test passes one that answers in-process).
 */
export function createAccountServiceClient(options: ClientOptions & { baseUrl: string }): AccountServiceClient {
  return createClient<paths>(options);
}
