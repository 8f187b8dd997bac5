import { Injectable } from '@nestjs/common';
import { AccountStates } from '@app/identity';
import { ApiKeyState, evolveApiKey, initialApiKeyState } from '@app/api-keys';
import { AccountHistory } from '@app/audit';
import { paymentMethodsDecider, paymentMethodsStream, periodOf, usageLedgerDecider, usageLedgerStream } from '@app/billing';
import { CommandRunner, fold, Occurred, toDomainEvent } from '@app/ddd';
import { RecoveryAccount, RecoveryEvidenceSources } from './recovery-evidence';

/**
 * The record as the other contexts keep it: the account from its stream (through `AccountStates`),
 * keys and sign-ins from the account's history (the audit trail's index, the events from the store),
 * usage and payment methods from the billing context's streams through its own deciders.
 */
@Injectable()
export class PlatformEvidence implements RecoveryEvidenceSources {
  constructor(
    private readonly accounts: AccountStates,
    private readonly history: AccountHistory,
    private readonly runner: CommandRunner,
  ) {}

  async accountByEmail(normalisedEmail: string): Promise<RecoveryAccount | null> {
    const found = await this.accounts.findByEmail(normalisedEmail);
    return found ? { accountId: found.accountId, email: found.email, createdAt: found.createdAt } : null;
  }

  async account(accountId: string): Promise<RecoveryAccount | null> {
    const state = await this.accounts.load(accountId);
    return state.exists ? { accountId: state.accountId, email: state.email, createdAt: state.createdAt } : null;
  }

  async apiKeyNames(accountId: string): Promise<string[]> {
    const byStream = new Map<string, Occurred<never>[]>();
    for await (const event of this.history.events(accountId, { type: 'api_key.' })) {
      byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), toDomainEvent(event) as Occurred<never>]);
    }
    return [...byStream.values()]
      .map((events) => fold<ApiKeyState, Occurred<never>>(evolveApiKey, initialApiKeyState, events))
      .flatMap((key) => (key.exists ? [key.name] : []));
  }

  async signInIps(accountId: string, since: Date): Promise<string[]> {
    const ips: string[] = [];
    for await (const event of this.history.events(accountId, { type: 'session.started', since })) {
      if (typeof event.metadata.ip === 'string') ips.push(event.metadata.ip);
    }
    return ips;
  }

  /** From the usage ledger of the period that holds `now`: every service with a total above zero. */
  async servicesUsedThisPeriod(accountId: string, now: Date): Promise<string[]> {
    const { state } = await this.runner.load(usageLedgerStream(accountId, periodOf(now)), usageLedgerDecider);
    return Object.entries(state.totals).flatMap(([service, micros]) => (micros > 0 ? [service] : []));
  }

  async paymentLast4(accountId: string): Promise<string[]> {
    const { state } = await this.runner.load(paymentMethodsStream(accountId), paymentMethodsDecider);
    return state.methods.map((method) => method.last4);
  }
}
