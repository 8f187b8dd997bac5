import { Header } from '@nestjs/common';

/**
 * Marks a route whose answer carries a secret (a token, a key, a TOTP secret, recovery codes, an
 * `mfaToken`, a one-time code): `Cache-Control: no-store`, so no browser or proxy keeps a copy.
 * Put `@NoStore()` on the controller method next to its `@Post()`/`@Get()`.
 */
export const NoStore = (): MethodDecorator => Header('Cache-Control', 'no-store');
