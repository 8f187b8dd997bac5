export { AccountsModule } from './accounts.module';
export { accountDecider, AccountState, decideAccount, evolveAccount, initialAccountState } from './domain/account.decider';
export { AccountEvent, AccountEventType, accountEventVersions, accountStream } from './domain/account.events';
export { normaliseEmail } from './domain/email';
