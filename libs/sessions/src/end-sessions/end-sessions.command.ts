import { Command } from '@nestjs/cqrs';
import { AuthenticatedAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';

/** `current`: sign out; `one`: end a session of one's own by id; `others`: every session but this one. */
export type SessionsToEnd =
  { readonly kind: 'current' } | { readonly kind: 'one'; readonly sessionId: string } | { readonly kind: 'others' };

export class EndSessionsCommand extends Command<void> {
  constructor(
    readonly account: AuthenticatedAccount,
    readonly which: SessionsToEnd,
    readonly context: RequestContext,
  ) {
    super();
  }
}
