import { Command } from '@nestjs/cqrs';
import { AuthenticatedAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { BegunRoundTrip } from '../oidc/oidc-round-trips';
import { LinkedIdentityDto } from '../list-identities/linked-identity.dto';

/** The signed-in owner asks to link a provider: start a round trip bound to this session. */
export class BeginIdentityLinkCommand extends Command<BegunRoundTrip> {
  constructor(
    readonly account: AuthenticatedAccount,
    readonly provider: string,
  ) {
    super();
  }
}

/** The provider sent the owner's browser back: link the identity it vouches for. */
export class CompleteIdentityLinkCommand extends Command<LinkedIdentityDto> {
  constructor(
    readonly provider: string,
    readonly callbackQuery: string,
    readonly cookieHeader: string | undefined,
    readonly context: RequestContext,
  ) {
    super();
  }
}
