import { Module } from '@nestjs/common';
import { IdentityModule, SecondFactorStatus } from '@app/identity';
import { SecondFactorRequirement, SessionsModule } from '@app/sessions';
import { CompleteSecondStepController } from './complete-second-step/complete-second-step.controller';
import { CompleteSecondStepHandler } from './complete-second-step/complete-second-step.handler';
import { ConfirmTotpController } from './confirm-totp/confirm-totp.controller';
import { ConfirmTotpHandler } from './confirm-totp/confirm-totp.handler';
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
import { ResetMfaHandler } from './reset-mfa/reset-mfa.handler';
import { MfaSecondFactorRequirement, MfaSecondFactorStatus } from './second-step/second-factor-requirement';
import { MfaTokens } from './second-step/mfa-tokens';
import { MfaNoticeEmails } from './security-notices/security-notice-email';

@Module({
  imports: [IdentityModule, SessionsModule],
  controllers: [
    GetMfaController,
    EnrolTotpController,
    ConfirmTotpController,
    RegisterWebauthnController,
    RemoveFactorController,
    RegenerateRecoveryCodesController,
    CompleteSecondStepController,
  ],
  providers: [
    EnrolTotpHandler,
    ConfirmTotpHandler,
    RegisterWebauthnHandler,
    RemoveFactorHandler,
    ResetMfaHandler,
    RegenerateRecoveryCodesHandler,
    CompleteSecondStepHandler,
    MfaStates,
    MfaTokens,
    TotpCodes,
    RecoveryCodes,
    WebauthnChallenges,
    WebauthnCeremonies,
    MfaNoticeEmails,
    { provide: MfaAccountDirectory, useClass: AccountStatesDirectory },
    // The seams of the identity and sessions contexts this one fills.
    { provide: SecondFactorRequirement, useClass: MfaSecondFactorRequirement },
    { provide: SecondFactorStatus, useClass: MfaSecondFactorStatus },
  ],
  exports: [MfaStates, SecondFactorRequirement, SecondFactorStatus],
})
export class MfaModule {}
