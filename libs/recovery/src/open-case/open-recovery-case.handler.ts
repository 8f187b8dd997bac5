import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { normaliseEmail } from '@app/identity';
import { addBusinessDays } from '@app/calendar';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { recoveryCaseDecider } from '../domain/recovery-case.decider';
import { recoveryCaseStream } from '../domain/recovery-case.events';
import { RecoveryCaseNotFoundError } from '../domain/recovery.errors';
import { RECOVERY_EVIDENCE, RecoveryEvidenceSources } from '../evidence/recovery-evidence';
import { OpenedRecoveryCaseDto } from './open-recovery-case.dto';
import { OpenRecoveryCaseCommand } from './open-recovery-case.command';

/** Recovery cases are due this many business days after opening (design.md, section 3). */
export const RECOVERY_DUE_BUSINESS_DAYS = 2;

@CommandHandler(OpenRecoveryCaseCommand)
export class OpenRecoveryCaseHandler implements ICommandHandler<OpenRecoveryCaseCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RECOVERY_EVIDENCE) private readonly evidence: RecoveryEvidenceSources,
  ) {}

  async execute({ request, context }: OpenRecoveryCaseCommand): Promise<OpenedRecoveryCaseDto> {
    const account = await this.evidence.accountByEmail(normaliseEmail(request.accountEmail));
    if (!account) throw new RecoveryCaseNotFoundError('account with this email');
    const now = this.clock.now();
    const caseId = randomUUID();
    const senderMatchesAccount = normaliseEmail(request.fromEmail) === account.email;
    const dueBy = addBusinessDays(now, RECOVERY_DUE_BUSINESS_DAYS, this.config.businessHolidays);
    await this.runner.run(
      recoveryCaseStream(caseId),
      recoveryCaseDecider,
      {
        kind: 'OpenCase',
        caseId,
        accountId: account.accountId,
        fromEmail: normaliseEmail(request.fromEmail),
        accountEmail: account.email,
        subject: request.subject,
        body: request.body,
        lost: request.lost,
        senderMatchesAccount,
        dueBy,
      },
      context,
      { accountId: account.accountId, occurredAt: now },
    );
    return { id: caseId, accountId: account.accountId, dueBy: dueBy.toISOString(), senderMatchesAccount, status: 'open' };
  }
}
