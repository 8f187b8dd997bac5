import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class ApproveRecoveryCaseCommand extends Command<void> {
  constructor(
    readonly caseId: string,
    readonly resetPassword: boolean,
    readonly resetMfa: boolean,
    readonly context: RequestContext,
  ) {
    super();
  }
}

export class DenyRecoveryCaseCommand extends Command<void> {
  constructor(
    readonly caseId: string,
    readonly reason: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
