import { Module } from '@nestjs/common';
import { EventCatalog } from '@app/ddd';
import { registerErrorStatuses } from '@app/http';
import { accountErrorStatuses } from './domain/account.errors';
import { accountEventVersions } from './domain/account.events';
import { RegisterAccountController } from './register-account/register-account.controller';
import { RegisterAccountHandler } from './register-account/register-account.handler';

registerErrorStatuses(accountErrorStatuses);

@Module({
  controllers: [RegisterAccountController],
  providers: [RegisterAccountHandler],
})
export class AccountsModule {
  constructor(catalog: EventCatalog) {
    catalog.register(accountEventVersions);
  }
}
