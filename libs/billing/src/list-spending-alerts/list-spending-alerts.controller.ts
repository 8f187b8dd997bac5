import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { BillingAccounts } from '../billing-account/billing-accounts';
import { SpendingAlertDto } from '../set-spending-alert/set-spending-alert.dto';

export class SpendingAlertPageDto {
  @ApiProperty({ type: [SpendingAlertDto] }) items: SpendingAlertDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Always null: an account has at most one alert per service' })
  nextCursor: string | null;
}

/** From the account's billing stream (consistent): at most one alert per service, so one page. */
@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/alerts')
export class ListSpendingAlertsController {
  constructor(private readonly accounts: BillingAccounts) {}

  @Get()
  @ApiOkResponse({ type: SpendingAlertPageDto })
  async list(@CurrentAccount() account: AuthenticatedAccount): Promise<SpendingAlertPageDto> {
    const state = await this.accounts.state(account.accountId);
    const items = Object.values(state.alerts)
      .map((alert) => ({ ...alert }))
      .sort((a, b) => a.service.localeCompare(b.service));
    return { items, nextCursor: null };
  }
}
