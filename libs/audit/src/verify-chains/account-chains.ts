import { Injectable } from '@nestjs/common';
import { verifyChain } from '@app/event-store';
import { ChainReport, chainReport } from '../domain/chain-report';
import { AccountHistory } from '../trail/account-history';

/** Every stream holding the account's events, read as stored from revision 0, its hash chain checked. */
@Injectable()
export class AccountChains {
  constructor(private readonly history: AccountHistory) {}

  async verify(accountId: string): Promise<ChainReport> {
    const checks = [];
    for (const { stream, lastRevision } of await this.history.streams(accountId)) {
      checks.push({ stream, lastKnownRevision: lastRevision, verification: verifyChain(await this.history.readStream(stream)) });
    }
    return chainReport(checks);
  }
}
