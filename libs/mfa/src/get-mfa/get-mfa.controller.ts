import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { mfaEnabled, MfaState, recoveryCodesRemaining } from '../domain/mfa.decider';
import { MfaStates } from '../mfa-states';

export class FactorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['totp', 'webauthn'] }) type: 'totp' | 'webauthn';
  @ApiProperty() nickname: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt: string | null;
}

export class MfaOverviewDto {
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: [FactorDto], description: 'Confirmed factors only, oldest first' }) factors: FactorDto[];
  @ApiProperty() recoveryCodesRemaining: number;
}

export function mfaOverview(state: MfaState): MfaOverviewDto {
  return {
    enabled: mfaEnabled(state),
    factors: state.factors.map((factor) => ({
      id: factor.factorId,
      type: factor.type,
      nickname: factor.nickname,
      createdAt: factor.createdAt,
      lastUsedAt: factor.lastUsedAt,
    })),
    recoveryCodesRemaining: recoveryCodesRemaining(state),
  };
}

/** Answered from the account's MFA stream (a handful of events), so it is exact right after a change. */
@ApiTags('mfa')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/me/mfa')
export class GetMfaController {
  constructor(private readonly states: MfaStates) {}

  @Get()
  @ApiOkResponse({ type: MfaOverviewDto })
  async get(@CurrentAccount() account: AuthenticatedAccount): Promise<MfaOverviewDto> {
    return mfaOverview(await this.states.load(account.accountId));
  }
}
