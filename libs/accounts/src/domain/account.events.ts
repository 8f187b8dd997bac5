import { DomainEvent } from '@app/ddd';

/** Event type strings are part of the stored history: never rename one, add a new version instead. */
export const AccountEventType = {
  Registered: 'account.registered',
} as const;

export const accountEventVersions: Readonly<Record<string, number>> = {
  [AccountEventType.Registered]: 1,
};

export type AccountRegistered = DomainEvent<
  typeof AccountEventType.Registered,
  {
    readonly accountId: string;
    /** Normalised (trimmed, lower-cased). */
    readonly email: string;
    /** bcrypt hash sealed with DATA_ENCRYPTION_KEY; null for an account created by social sign-in. */
    readonly passwordHashSealed: string | null;
  }
>;

export type AccountEvent = AccountRegistered;

export const accountStream = (accountId: string): string => `account-${accountId}`;
