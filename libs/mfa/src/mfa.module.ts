import { IdentityModule } from '@app/identity';
import { Module } from '@nestjs/common';
import { EventCatalog } from '@app/ddd';
import { registerErrorStatuses } from '@app/http';
import { routeByJobName } from '@app/messaging';
import { ReadSideRegistry } from '@app/projections';
import { ConfirmTotpController } from './confirm-totp/confirm-totp.controller';
import { ConfirmTotpHandler } from './confirm-totp/confirm-totp.handler';
import { mfaErrorStatuses } from './domain/mfa.errors';
import { mfaEventDeclarations } from './domain/mfa.events';
import { EnrolTotpController } from './enrol-totp/enrol-totp.controller';
import { EnrolTotpHandler } from './enrol-totp/enrol-totp.handler';
import { RecoveryCodes } from './factors/recovery-codes';
import { TotpCodes } from './factors/totp-codes';
import { WebauthnCeremonies } from './factors/webauthn-ceremonies';
import { WebauthnChallenges } from './factors/webauthn-challenges';
import { GetMfaController } from './get-mfa/get-mfa.controller';
import { AccountStatesDirectory, MfaAccountDirectory } from './mfa-accounts';
import { MfaStates } from './mfa-states';
import { RegenerateRecoveryCodesController } from './regenerate-recovery-codes/regenerate-recovery-codes.controller';
import { RegenerateRecoveryCodesHandler } from './regenerate-recovery-codes/regenerate-recovery-codes.handler';
import { RegisterWebauthnController } from './register-webauthn/register-webauthn.controller';
import { RegisterWebauthnHandler } from './register-webauthn/register-webauthn.handler';
import { RemoveFactorController } from './remove-factor/remove-factor.controller';
import { RemoveFactorHandler } from './remove-factor/remove-factor.handler';
import { MFA_QUEUE, MfaNoticeEmails, mfaNoticeReaction, SEND_MFA_NOTICE_JOB } from './security-notices/security-notice-email';

registerErrorStatuses(mfaErrorStatuses);

@Module({
  imports: [IdentityModule],
  controllers: [
    GetMfaController,
    EnrolTotpController,
    ConfirmTotpController,
    RegisterWebauthnController,
    RemoveFactorController,
    RegenerateRecoveryCodesController,
  ],
  providers: [
    EnrolTotpHandler,
    ConfirmTotpHandler,
    RegisterWebauthnHandler,
    RemoveFactorHandler,
    RegenerateRecoveryCodesHandler,
    MfaStates,
    TotpCodes,
    RecoveryCodes,
    WebauthnChallenges,
    WebauthnCeremonies,
    MfaNoticeEmails,
    { provide: MfaAccountDirectory, useClass: AccountStatesDirectory },
  ],
  exports: [MfaStates],
})
export class MfaModule {
  constructor(catalog: EventCatalog, readSide: ReadSideRegistry, notices: MfaNoticeEmails) {
    catalog.register(mfaEventDeclarations);
    readSide.addReaction(mfaNoticeReaction);
    readSide.addJobWorker({ queue: MFA_QUEUE, handler: routeByJobName({ [SEND_MFA_NOTICE_JOB]: notices.handler() }) });
  }
}
