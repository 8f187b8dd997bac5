import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { CheckResult, RecoveryEventType } from '../domain/recovery-case.events';
import { RecoveryCases } from '../recovery-cases';
import { SendRecoveryEmailCodeCommand, VerifyRecoveryEmailCodeCommand } from './email-code.commands';
import { RecoveryEmailCodes } from './email-codes';

/** The code itself is derived when the mail job runs (`RecoveryEmailCodes`): the event holds its id only. */
@CommandHandler(SendRecoveryEmailCodeCommand)
export class SendRecoveryEmailCodeHandler implements ICommandHandler<SendRecoveryEmailCodeCommand> {
  constructor(
    private readonly cases: RecoveryCases,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ caseId, context }: SendRecoveryEmailCodeCommand): Promise<void> {
    await this.cases.runOn(caseId, { kind: 'SendEmailCode', codeId: randomUUID(), now: this.clock.now() }, context);
  }
}

@CommandHandler(VerifyRecoveryEmailCodeCommand)
export class VerifyRecoveryEmailCodeHandler implements ICommandHandler<VerifyRecoveryEmailCodeCommand> {
  constructor(
    private readonly cases: RecoveryCases,
    private readonly codes: RecoveryEmailCodes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ caseId, code, context }: VerifyRecoveryEmailCodeCommand): Promise<CheckResult> {
    const { events } = await this.cases.runOn(
      caseId,
      (recoveryCase) => ({
        kind: 'CheckEmailCode',
        matches: (codeId) => this.codes.matches(recoveryCase.caseId, codeId, code),
        now: this.clock.now(),
      }),
      context,
    );
    const [checked] = events;
    return checked?.type === RecoveryEventType.EmailCodeChecked ? checked.data.result : 'mismatch';
  }
}
