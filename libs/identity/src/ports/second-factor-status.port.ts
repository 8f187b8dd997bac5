/**
 * Whether an account has a second factor enrolled, for `GET /v1/me` (`mfaEnabled`). The MFA context
 * provides it (`{ provide: SecondFactorStatus, ... }`); until one does, no account can enrol a factor,
 * so none has one.
 */
export abstract class SecondFactorStatus {
  abstract hasSecondFactor(accountId: string): Promise<boolean>;
}
