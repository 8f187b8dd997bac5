import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { HistorySection, replayState } from '../domain/state-replay';
import { AccountHistory } from '../trail/account-history';
import { historySections } from './history-sections';

/** The account as it stood at `asOf`: its events up to that instant (by `occurredAt`), folded anew. */
@Injectable()
export class AccountStateReplay {
  private readonly sections: HistorySection[];

  constructor(
    private readonly history: AccountHistory,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.sections = historySections({ bootstrapAdminEmail: config.bootstrapAdminEmail });
  }

  async stateAt(accountId: string, asOf: Date): Promise<Record<string, unknown>> {
    const events: { stream: string; type: string; data: Record<string, unknown>; occurredAt: string }[] = [];
    for await (const event of this.history.events(accountId, { until: asOf })) {
      events.push({ stream: event.stream, type: event.type, data: event.data, occurredAt: event.metadata.occurredAt });
    }
    return { asOf: asOf.toISOString(), ...replayState(events, this.sections, asOf) };
  }
}
