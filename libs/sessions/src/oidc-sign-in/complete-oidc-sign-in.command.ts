import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { SignInResult } from '../sign-in/sign-in.command';

/**
 * The callback's answer: the sign-in's own (tokens or the second step's challenge), or, when the round
 * trip started from the hub (`start?returnTo=`), where to send the browser with a one-time code or the
 * refusal's code in the fragment.
 */
export type OidcCallbackAnswer =
  { readonly kind: 'signed_in'; readonly result: SignInResult } | { readonly kind: 'redirect'; readonly location: string };

/** The provider sent the browser back to the callback: finish the round trip and sign in. */
export class CompleteOidcSignInCommand extends Command<OidcCallbackAnswer> {
  constructor(
    readonly provider: string,
    /** The callback's raw query string (code, state, iss, or error). */
    readonly callbackQuery: string,
    readonly cookieHeader: string | undefined,
    readonly context: RequestContext,
  ) {
    super();
  }
}
