import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { IncomingHttpHeaders } from 'node:http';
import { ServiceTokens } from '@app/auth';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { FastLane, InvalidRequestError } from '@app/http';
import { AccountClosedError, FieldProblem, PeriodClosedError } from '../domain/billing.errors';
import { UsageRecord } from '../domain/usage.events';
import { checkUsageRecord } from '../domain/usage-rules';
import { ClosedAccounts } from './closed-accounts';
import { LedgerWriter } from './ledger-writer';
import { UsageRequestParser } from './record-usage.schema';

export const USAGE_PATH = '/v1/usage';

export type UsageRejection = 'period_closed' | 'account_closed';

export interface UsageAnswer {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly { readonly index: number; readonly error: UsageRejection }[];
}

interface LedgerGroup {
  readonly accountId: string;
  readonly period: string;
  readonly records: UsageRecord[];
  readonly indexes: number[];
}

/**
 * `POST /v1/usage` as one function of (headers, body): the service token, the schema, the rules of
 * each record, then one submission per ledger (account and period) the request touches. The fast
 * lane serves it from node:http; the NestJS controller serves the same function for what the fast
 * lane passes on (and documents the route).
 */
@Injectable()
export class RecordUsageEndpoint implements OnModuleInit {
  constructor(
    private readonly tokens: ServiceTokens,
    private readonly parser: UsageRequestParser,
    private readonly writer: LedgerWriter,
    private readonly closedAccounts: ClosedAccounts,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly fastLane: FastLane,
  ) {}

  onModuleInit(): void {
    this.fastLane.register('POST', USAGE_PATH, ({ headers, body, requestId }) => this.handle(headers, body, requestId), 202);
  }

  async handle(
    headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
    body: unknown,
    requestId: string,
  ): Promise<UsageAnswer> {
    this.tokens.authenticate(headers);
    const { records, single } = this.parser.parse(body);
    const now = this.clock.now();
    const problems: FieldProblem[] = [];
    const groups = new Map<string, LedgerGroup>();
    records.forEach((incoming, index) => {
      const record = checkUsageRecord(incoming, single ? '' : `records[${index}].`, now, problems);
      if (record === undefined || problems.length > 0) return;
      const accountId = incoming.accountId.toLowerCase();
      // The canonical instant (toISOString, UTC) starts with its period: no second parse per record.
      const period = record.occurredAt.slice(0, 7);
      const key = `${accountId}/${period}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { accountId, period, records: [], indexes: [] }));
      group.records.push(record);
      group.indexes.push(index);
    });
    // Anything malformed fails the whole request before a single record is written.
    if (problems.length > 0) throw new InvalidRequestError(problems.slice(0, 100));
    const ledgers = [...groups.values()];
    const closed = await Promise.all(ledgers.map((group) => this.closedAccounts.isClosed(group.accountId)));
    if (single && closed[0]) throw new AccountClosedError();
    const rejected: { index: number; error: UsageRejection }[] = [];
    const open = ledgers.filter((group, i) => {
      if (closed[i]) for (const index of group.indexes) rejected.push({ index, error: 'account_closed' });
      return !closed[i];
    });
    const outcomes = await Promise.all(open.map((group) => this.writer.submit(group.accountId, group.period, group.records, requestId)));
    let accepted = 0;
    let duplicates = 0;
    outcomes.forEach((outcome, i) => {
      accepted += outcome.accepted;
      duplicates += outcome.duplicates;
      if (outcome.periodClosed) for (const index of open[i].indexes) rejected.push({ index, error: 'period_closed' });
    });
    if (single && rejected.length === 1) throw new PeriodClosedError(ledgers[0].period);
    rejected.sort((a, b) => a.index - b.index);
    return { accepted, duplicates, rejected };
  }
}
