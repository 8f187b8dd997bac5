import { Module } from '@nestjs/common';
import { ExportAccountEventsController } from './export-events/export-events.controller';
import { ListAccountEventsController } from './list-events/list-events.controller';
import { AccountStateController } from './replay-state/account-state.controller';
import { AccountStateReplay } from './replay-state/account-state-replay';
import { AccountActivityController } from './support-activity/account-activity.controller';
import { AccountHistory } from './trail/account-history';
import { AccountChains } from './verify-chains/account-chains';
import { VerifyAccountChainsController } from './verify-chains/verify-chains.controller';

/** The audit trail and what auditors and support read of it. Writes no event. */
@Module({
  controllers: [
    ListAccountEventsController,
    AccountStateController,
    ExportAccountEventsController,
    VerifyAccountChainsController,
    AccountActivityController,
  ],
  providers: [AccountHistory, AccountStateReplay, AccountChains],
  exports: [AccountHistory, AccountStateReplay, AccountChains],
})
export class AuditModule {}
