import { FieldProblem } from './billing.errors';
import { UsageRecord } from './usage.events';

/** A request carries one record or a batch of up to this many. */
export const MAX_BATCH_RECORDS = 1_000;
/** A record may arrive this long after it occurred and still land in its own period (if not closed). */
export const MAX_RECORD_AGE_MS = 35 * 24 * 3_600_000;
/** Clocks of the platform and of this service differ a little: that much ahead of ours is not "future". */
export const FUTURE_TOLERANCE_MS = 60_000;

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** RFC 3339 in UTC, as `Date.prototype.toISOString` writes it, milliseconds optional. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export interface IncomingUsageRecord {
  readonly accountId: string;
  readonly service: string;
  readonly amountMicros: number;
  readonly idempotencyKey: string;
  readonly occurredAt: string;
}

/**
 * The rules a JSON schema cannot state: an instant that exists, not in the future, not older than
 * 35 days. Returns the record as stored (instant canonicalised) or adds problems under `prefix`.
 */
export function checkUsageRecord(
  record: IncomingUsageRecord,
  prefix: string,
  now: Date,
  problems: FieldProblem[],
): UsageRecord | undefined {
  const at = INSTANT.test(record.occurredAt) ? Date.parse(record.occurredAt) : Number.NaN;
  const field = `${prefix}occurredAt`;
  if (Number.isNaN(at)) {
    problems.push({ field, message: 'occurredAt must be an ISO 8601 instant in UTC, e.g. 2026-01-05T09:00:00.000Z' });
    return undefined;
  }
  const canonical = new Date(at).toISOString();
  // Date.parse accepts 2026-02-30 as March 2nd: an instant must read back as written.
  if (canonical.slice(0, 19) !== record.occurredAt.slice(0, 19)) {
    problems.push({ field, message: 'occurredAt is not a valid date and time' });
    return undefined;
  }
  if (at > now.getTime() + FUTURE_TOLERANCE_MS) {
    problems.push({ field, message: 'occurredAt must not be in the future' });
    return undefined;
  }
  if (at < now.getTime() - MAX_RECORD_AGE_MS) {
    problems.push({ field, message: 'occurredAt must be at most 35 days back' });
    return undefined;
  }
  return { idempotencyKey: record.idempotencyKey, service: record.service, amountMicros: record.amountMicros, occurredAt: canonical };
}
