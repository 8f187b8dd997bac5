import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { AccountResourceNotFoundError } from '../domain/account.errors';
import { AccountStates } from '../account-states';
import { LinkedIdentityDto, toLinkedIdentityDto } from './linked-identity.dto';

export class LinkedIdentityListDto {
  @ApiProperty({ type: [LinkedIdentityDto] })
  items: LinkedIdentityDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Always null: an account has a handful of identities at most' })
  nextCursor: string | null;
}

/**
 * `GET /v1/me/identities`: the provider identities linked to the account, from its own stream (a
 * link shows at once). A separate route because `GET /v1/me`'s shape is fixed by the contract.
 */
@ApiTags('accounts')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/me/identities')
export class ListIdentitiesController {
  constructor(private readonly accounts: AccountStates) {}

  @Get()
  @ApiOkResponse({ type: LinkedIdentityListDto })
  async list(@CurrentAccount() account: AuthenticatedAccount): Promise<LinkedIdentityListDto> {
    const state = await this.accounts.load(account.accountId);
    if (!state.exists) throw new AccountResourceNotFoundError('account');
    return { items: state.identities.map(toLinkedIdentityDto), nextCursor: null };
  }
}
