import { ChainVerification } from '@app/event-store';

export interface StreamCheck {
  readonly stream: string;
  /** The highest revision the audit trail has seen in this stream: a shorter stream lost events. */
  readonly lastKnownRevision: number;
  readonly verification: ChainVerification;
}

export interface ChainReport {
  readonly intact: boolean;
  readonly events: number;
  readonly streams: number;
  readonly firstBroken?: { readonly stream: string; readonly revision: number };
}

/** One answer for every stream of an account, naming the first broken link in the order given. */
export function chainReport(checks: readonly StreamCheck[]): ChainReport {
  let events = 0;
  let firstBroken: ChainReport['firstBroken'];
  for (const check of checks) {
    events += check.verification.events;
    if (firstBroken) continue;
    if (!check.verification.intact) firstBroken = { stream: check.stream, revision: check.verification.firstBrokenRevision ?? 0 };
    else if (check.verification.events <= check.lastKnownRevision)
      firstBroken = { stream: check.stream, revision: check.verification.events };
  }
  return firstBroken ? { intact: false, events, streams: checks.length, firstBroken } : { intact: true, events, streams: checks.length };
}
