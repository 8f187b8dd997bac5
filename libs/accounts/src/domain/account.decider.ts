import { assertNever, Decider, Occurred } from '@app/ddd';
import { AccountExistsError } from './account.errors';
import { AccountEvent, AccountEventType } from './account.events';

export type AccountState =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly accountId: string;
      readonly email: string;
      readonly passwordHashSealed: string | null;
      readonly createdAt: string;
    };

export interface RegisterAccount {
  readonly kind: 'RegisterAccount';
  readonly accountId: string;
  readonly email: string;
  readonly passwordHashSealed: string | null;
  readonly now: Date;
}

export type AccountCommand = RegisterAccount;

export const initialAccountState: AccountState = { exists: false };

export function evolveAccount(state: AccountState, event: Occurred<AccountEvent>): AccountState {
  switch (event.type) {
    case AccountEventType.Registered:
      return {
        exists: true,
        accountId: event.data.accountId,
        email: event.data.email,
        passwordHashSealed: event.data.passwordHashSealed,
        createdAt: event.occurredAt,
      };
    default:
      return assertNever(event.type);
  }
}

export function decideAccount(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.kind) {
    case 'RegisterAccount':
      if (state.exists) throw new AccountExistsError();
      return [
        {
          type: AccountEventType.Registered,
          data: { accountId: command.accountId, email: command.email, passwordHashSealed: command.passwordHashSealed },
        },
      ];
    default:
      return assertNever(command.kind);
  }
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: decideAccount,
};
