import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { defaultEvidenceRule } from '../domain/recovery-case.decider';
import { RecoveryCases } from '../recovery-cases';
import { ApproveRecoveryCaseCommand, DenyRecoveryCaseCommand } from './decide-case.commands';

/** The resets and the outcome mail follow from `recovery.case_approved` in the log. */
@CommandHandler(ApproveRecoveryCaseCommand)
export class ApproveRecoveryCaseHandler implements ICommandHandler<ApproveRecoveryCaseCommand> {
  constructor(private readonly cases: RecoveryCases) {}

  async execute({ caseId, resetPassword, resetMfa, context }: ApproveRecoveryCaseCommand): Promise<void> {
    await this.cases.runOn(caseId, { kind: 'ApproveCase', resetPassword, resetMfa, rule: defaultEvidenceRule }, context);
  }
}

@CommandHandler(DenyRecoveryCaseCommand)
export class DenyRecoveryCaseHandler implements ICommandHandler<DenyRecoveryCaseCommand> {
  constructor(private readonly cases: RecoveryCases) {}

  async execute({ caseId, reason, context }: DenyRecoveryCaseCommand): Promise<void> {
    await this.cases.runOn(caseId, { kind: 'DenyCase', reason }, context);
  }
}
