import { AccountState, accountStream, effectiveRoles, evolveAccount, initialAccountState } from '@app/identity';
import { ApiKeyState, apiKeyStream, evolveApiKey, initialApiKeyState, statusAt } from '@app/api-keys';
import { DomainEvent, Occurred } from '@app/ddd';
import { HistorySection } from '../domain/state-replay';
import { billingAccountSection, invoiceBillingSection, mfaSection } from './billing-and-mfa-sections';

/**
 * The sections of the auditors' state, each folded by its own context's public `evolve`: what the
 * account was, which factors it had, which keys and their status at the instant, its plan and billing terms.
 */
export function historySections(options: { bootstrapAdminEmail?: string }): HistorySection[] {
  const account: HistorySection<AccountState> = {
    name: 'account',
    owns: (stream) => stream.startsWith(accountStream('')),
    initialState: initialAccountState,
    evolve: (state, event) => evolveAccount(state, event as Parameters<typeof evolveAccount>[1]),
    view: (states) => {
      const found = states.find((state) => state.exists);
      if (!found || !found.exists) return { status: 'not_registered', email: null, emailVerified: false, roles: [] };
      return {
        status: found.status,
        email: found.email,
        emailVerified: found.emailVerified,
        roles: effectiveRoles(found, options.bootstrapAdminEmail),
      };
    },
  };
  const apiKeys: HistorySection<ApiKeyState> = {
    name: 'apiKeys',
    owns: (stream) => stream.startsWith(apiKeyStream('')),
    initialState: initialApiKeyState,
    evolve: (state, event: Occurred<DomainEvent>) => evolveApiKey(state, event as Parameters<typeof evolveApiKey>[1]),
    view: (states, asOf) =>
      states.flatMap((key) =>
        key.exists ? [{ id: key.keyId, name: key.name, status: statusAt(key, asOf), scopes: [...key.scopes] }] : [],
      ),
  };
  return [account, mfaSection, apiKeys, billingAccountSection, invoiceBillingSection] as HistorySection[];
}
