import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { SignInResult } from '../sign-in/sign-in.command';

/** The hub trades the one-time code a social sign-in sent it back with for the sign-in's answer. */
export class ExchangeOidcCodeCommand extends Command<SignInResult> {
  constructor(
    readonly code: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
