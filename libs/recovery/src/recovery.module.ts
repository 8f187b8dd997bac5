import { IdentityModule } from '@app/identity';
import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { EventCatalog } from '@app/ddd';
import { registerErrorStatuses } from '@app/http';
import { routeByJobName } from '@app/messaging';
import { ReadSideRegistry } from '@app/projections';
import { recoveryCasesProjection } from '../../../projections/recovery-cases/recovery-cases.projection';
import { CheckClaimsController } from './check-claims/check-claims.controller';
import { DecideRecoveryCaseController } from './decide-case/decide-case.controller';
import { recoveryErrorStatuses } from './domain/recovery.errors';
import { recoveryEventDeclarations } from './domain/recovery-case.events';
import { RecoveryEmailCodeController } from './email-code/email-code.controller';
import { RecoveryEmailCodes } from './email-code/email-codes';
import { ClaimComparison } from './evidence/compare-claims';
import { PlatformActions } from './evidence/platform-actions';
import { PlatformEvidence } from './evidence/platform-evidence';
import { RECOVERY_ACTIONS, RECOVERY_EVIDENCE } from './evidence/recovery-evidence';
import { ListRecoveryCasesController } from './list-cases/list-cases.controller';
import { RECOVERY_QUEUE, RecoveryMail, recoveryMailReaction } from './mail/recovery-mail';
import { OpenRecoveryCaseController } from './open-case/open-recovery-case.controller';
import { OpenRecoveryCaseHandler } from './open-case/open-recovery-case.handler';
import { RecoveryCases } from './recovery-cases';

registerErrorStatuses(recoveryErrorStatuses);

/** Manual account recovery by support: cases, evidence, decisions, and the mail they set off. */
@Module({
  imports: [AuditModule, IdentityModule],
  controllers: [
    OpenRecoveryCaseController,
    ListRecoveryCasesController,
    RecoveryEmailCodeController,
    CheckClaimsController,
    DecideRecoveryCaseController,
  ],
  providers: [
    OpenRecoveryCaseHandler,
    RecoveryCases,
    RecoveryEmailCodes,
    ClaimComparison,
    RecoveryMail,
    { provide: RECOVERY_EVIDENCE, useClass: PlatformEvidence },
    { provide: RECOVERY_ACTIONS, useClass: PlatformActions },
  ],
})
export class RecoveryModule {
  constructor(catalog: EventCatalog, readSide: ReadSideRegistry, mail: RecoveryMail) {
    catalog.register(recoveryEventDeclarations);
    readSide.addProjection(recoveryCasesProjection);
    readSide.addReaction(recoveryMailReaction);
    readSide.addJobWorker({ queue: RECOVERY_QUEUE, handler: routeByJobName(mail.handlers()) });
  }
}
