/**
 * How long a runner waits before following the log again after its subscription failed for good
 * (a handler kept throwing: the database or the queue away for longer than the subscription's own
 * retries). It doubles up to a minute, so a dependency that is down for a while delays the read side
 * but never stops it: nothing is lost, the checkpoint says where to resume.
 */
export function restartDelayMs(consecutiveFailures: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(0, consecutiveFailures - 1));
}
