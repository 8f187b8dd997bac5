import { Controller, Get, Inject, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount, STAFF_ROLES, StaffRole } from '@app/auth';
import { SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { ACCOUNT_PROFILES_TABLE, AccountProfileRow } from '../../../../projections/account-profile/account-profile.projection';
import { AccountResourceNotFoundError } from '../domain/account.errors';
import { AccountStates } from '../account-states';
import { IdentityPorts } from '../ports/optional-ports';

export class ProfileDto {
  @ApiProperty({ format: 'uuid' })
  accountId: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  emailVerified: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty()
  mfaEnabled: boolean;

  @ApiProperty({ type: [String], enum: STAFF_ROLES })
  roles: StaffRole[];

  @ApiProperty({ enum: ['basic', 'professional', 'enterprise'] })
  plan: string;
}

/**
 * `GET /v1/me` from the AccountProfile read model. Roles come from the request's authentication (the
 * consistent account state, bootstrap admin included). Right after registration the read model may
 * not have caught up yet: the account's own stream answers then. `mfaEnabled` and `plan` are the MFA
 * and billing contexts' facts, asked through their ports (`SecondFactorStatus`, `PlanReader`).
 */
@Injectable()
export class ProfileReader {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    private readonly accounts: AccountStates,
    private readonly ports: IdentityPorts,
  ) {}

  async profile(account: AuthenticatedAccount): Promise<ProfileDto> {
    const { rows } = await this.db.query<AccountProfileRow>(`SELECT * FROM ${ACCOUNT_PROFILES_TABLE} WHERE account_id = $1`, [
      account.accountId,
    ]);
    const row = rows[0];
    const [mfaEnabled, plan] = await Promise.all([this.ports.hasSecondFactor(account.accountId), this.ports.planOf(account.accountId)]);
    if (row) {
      return {
        accountId: row.account_id,
        email: row.email,
        emailVerified: row.email_verified,
        createdAt: new Date(row.created_at).toISOString(),
        mfaEnabled,
        roles: [...account.roles],
        plan,
      };
    }
    const state = await this.accounts.load(account.accountId);
    if (!state.exists) throw new AccountResourceNotFoundError('account');
    return {
      accountId: state.accountId,
      email: state.email,
      emailVerified: state.emailVerified,
      createdAt: new Date(state.createdAt).toISOString(),
      mfaEnabled,
      roles: [...account.roles],
      plan,
    };
  }
}

@ApiTags('accounts')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/me')
export class GetProfileController {
  constructor(private readonly reader: ProfileReader) {}

  @Get()
  @ApiOkResponse({ type: ProfileDto })
  me(@CurrentAccount() account: AuthenticatedAccount): Promise<ProfileDto> {
    return this.reader.profile(account);
  }
}
