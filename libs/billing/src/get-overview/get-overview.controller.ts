import { Controller, Get, Inject, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK, EVENT_STORE } from '@app/core';
import { Clock } from '@app/ddd';
import { EventStore } from '@app/event-store';
import { BillingAccounts } from '../billing-account/billing-accounts';
import { Plan, PLANS } from '../domain/billing-account.events';
import { periodBounds, periodOf, projectedMonthMicros } from '../domain/billing-period';
import { monthToDateOf } from '../domain/usage-ledger.decider';
import { ServiceTotals, usageLedgerStream } from '../domain/usage.events';

export class OverviewDto {
  @ApiProperty({ enum: PLANS }) plan: Plan;
  @ApiProperty({ example: '2026-01' }) period: string;
  @ApiProperty({ format: 'date-time' }) periodStart: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive: the first instant of the next period' }) periodEnd: string;
  @ApiProperty() monthToDateMicros: number;
  @ApiProperty({ description: 'monthToDate * periodLength / elapsed (elapsed at least one day), never below monthToDate' })
  projectedMicros: number;
  @ApiProperty({ example: { chat: 0, video: 0, models: 0 } }) byService: Record<string, number>;
  @ApiProperty({ type: Number, nullable: true }) spendingCapMicros: number | null;
  @ApiProperty() capReached: boolean;
}

/** The last event of a ledger carries its totals: one backwards read of one event. */
export async function ledgerTotals(
  store: EventStore,
  accountId: string,
  period: string,
): Promise<{ totals: ServiceTotals; revision: number }> {
  const [last] = await store.readStream(usageLedgerStream(accountId, period), { direction: 'backwards', maxCount: 1 });
  if (!last) return { totals: {}, revision: -1 };
  return { totals: (last.data.totals as ServiceTotals | undefined) ?? {}, revision: last.revision };
}

/**
 * From the streams themselves, not a read model: the plan and cap from `billing_account-<id>`, the
 * month-to-date from the current period's ledger, so the sums are exactly what was recorded.
 */
@Injectable()
export class OverviewReader {
  constructor(
    private readonly accounts: BillingAccounts,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async overview(accountId: string): Promise<OverviewDto> {
    const now = this.clock.now();
    const period = periodOf(now);
    const bounds = periodBounds(period);
    const [state, { totals }] = await Promise.all([this.accounts.state(accountId), ledgerTotals(this.store, accountId, period)]);
    const byService: Record<string, number> = {};
    for (const service of this.config.apiScopes) byService[service] = totals[service] ?? 0;
    const monthToDateMicros = monthToDateOf(totals);
    const cap = state.spendingCapMicros;
    return {
      plan: state.plan,
      period,
      periodStart: bounds.start.toISOString(),
      periodEnd: bounds.end.toISOString(),
      monthToDateMicros,
      projectedMicros: projectedMonthMicros(monthToDateMicros, bounds, now),
      byService,
      spendingCapMicros: cap,
      capReached: cap !== null && monthToDateMicros >= cap,
    };
  }
}

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/overview')
export class GetOverviewController {
  constructor(private readonly reader: OverviewReader) {}

  @Get()
  @ApiOkResponse({ type: OverviewDto })
  overview(@CurrentAccount() account: AuthenticatedAccount): Promise<OverviewDto> {
    return this.reader.overview(account.accountId);
  }
}
