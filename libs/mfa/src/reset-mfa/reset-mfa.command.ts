import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

/** Turns MFA off for an account on the authority of an approved recovery case (sent by the recovery context). */
export class ResetMfaCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly caseId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
