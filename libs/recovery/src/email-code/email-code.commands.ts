import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { CheckResult } from '../domain/recovery-case.events';

export class SendRecoveryEmailCodeCommand extends Command<void> {
  constructor(
    readonly caseId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}

export class VerifyRecoveryEmailCodeCommand extends Command<CheckResult> {
  constructor(
    readonly caseId: string,
    readonly code: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
