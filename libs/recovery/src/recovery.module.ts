import { IdentityModule } from '@app/identity';
import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { CheckClaimsController } from './check-claims/check-claims.controller';
import { CheckRecoveryClaimsHandler } from './check-claims/check-claims.handler';
import { DecideRecoveryCaseController } from './decide-case/decide-case.controller';
import { ApproveRecoveryCaseHandler, DenyRecoveryCaseHandler } from './decide-case/decide-case.handlers';
import { RecoveryEmailCodeController } from './email-code/email-code.controller';
import { SendRecoveryEmailCodeHandler, VerifyRecoveryEmailCodeHandler } from './email-code/email-code.handlers';
import { RecoveryEmailCodes } from './email-code/email-codes';
import { ClaimComparison } from './evidence/compare-claims';
import { PlatformActions } from './evidence/platform-actions';
import { PlatformEvidence } from './evidence/platform-evidence';
import { RECOVERY_ACTIONS, RECOVERY_EVIDENCE } from './evidence/recovery-evidence';
import { ListRecoveryCasesController } from './list-cases/list-cases.controller';
import { RecoveryMail } from './mail/recovery-mail';
import { OpenRecoveryCaseController } from './open-case/open-recovery-case.controller';
import { OpenRecoveryCaseHandler } from './open-case/open-recovery-case.handler';
import { RecoveryCases } from './recovery-cases';

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
    SendRecoveryEmailCodeHandler,
    VerifyRecoveryEmailCodeHandler,
    CheckRecoveryClaimsHandler,
    ApproveRecoveryCaseHandler,
    DenyRecoveryCaseHandler,
    RecoveryCases,
    RecoveryEmailCodes,
    ClaimComparison,
    RecoveryMail,
    { provide: RECOVERY_EVIDENCE, useClass: PlatformEvidence },
    { provide: RECOVERY_ACTIONS, useClass: PlatformActions },
  ],
})
export class RecoveryModule {}
