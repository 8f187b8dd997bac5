import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { SignInResult } from '../sign-in/sign-in.command';

/** The provider sent the browser back to the callback: finish the round trip and sign in. */
export class CompleteOidcSignInCommand extends Command<SignInResult> {
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
