import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { ErrorDetail, InvalidRequestError } from '@app/http';
import { MAX_BATCH_RECORDS, MAX_IDEMPOTENCY_KEY_LENGTH, IncomingUsageRecord } from '../domain/usage-rules';
import { MAX_RECORD_MICROS } from '../domain/money';

/** At most this many details in a 400: enough to fix a batch, bounded for a batch that is all wrong. */
const MAX_DETAILS = 100;

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

function recordSchema(services: readonly string[]) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['accountId', 'service', 'amountMicros', 'idempotencyKey', 'occurredAt'],
    properties: {
      accountId: { type: 'string', pattern: UUID },
      service: { type: 'string', enum: [...services] },
      amountMicros: { type: 'integer', minimum: 0, maximum: MAX_RECORD_MICROS },
      // Printable ASCII without spaces: no NUL or control character can reach the log.
      idempotencyKey: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH, pattern: '^[!-~]+$' },
      occurredAt: { type: 'string', maxLength: 40 },
    },
  } as const;
}

export interface ParsedUsageRequest {
  readonly records: readonly IncomingUsageRecord[];
  /** The single-record form: a record refused as closed is a 409 of its own. */
  readonly single: boolean;
}

/** `/records/3/amountMicros` -> `records[3].amountMicros`. */
function fieldOf(error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1);
  if (error.keyword === 'required') parts.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') parts.push(String(error.params.additionalProperty));
  let field = '';
  for (const part of parts) field += /^\d+$/.test(part) ? `[${part}]` : field === '' ? part : `.${part}`;
  return field === '' ? 'body' : field;
}

function messageOf(error: ErrorObject, field: string): string {
  switch (error.keyword) {
    case 'required':
      return `${field} is required`;
    case 'additionalProperties':
      return `property ${field} should not exist`;
    case 'enum':
      return `${field} must be one of ${(error.params.allowedValues as string[]).join(', ')}`;
    case 'type':
      return `${field} must be ${error.params.type === 'integer' ? 'a whole number' : `of type ${String(error.params.type)}`}`;
    case 'minimum':
    case 'maximum':
      return `${field} must be a whole number from 0 to ${MAX_RECORD_MICROS}`;
    case 'pattern':
      return field.endsWith('accountId') ? `${field} must be an account id (UUID)` : `${field} must be printable ASCII without spaces`;
    case 'maxItems':
      return `a batch holds at most ${MAX_BATCH_RECORDS} records`;
    case 'minItems':
      return 'a batch holds at least one record';
    default:
      return `${field} ${error.message ?? 'is not valid'}`;
  }
}

/**
 * `POST /v1/usage` bodies, checked by JSON schemas compiled once (Ajv, as Fastify uses, but with
 * `coerceTypes: false` and `additionalProperties: false`): nothing is converted and nothing unknown is
 * dropped, so `"5"` for an amount and a misspelt field are both 400 with details naming the record.
 */
export class UsageRequestParser {
  private readonly single: ValidateFunction;
  private readonly batch: ValidateFunction;

  constructor(services: readonly string[]) {
    const ajv = new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false, strict: true });
    const record = recordSchema(services);
    this.single = ajv.compile(record);
    this.batch = ajv.compile({
      type: 'object',
      additionalProperties: false,
      required: ['records'],
      properties: { records: { type: 'array', minItems: 1, maxItems: MAX_BATCH_RECORDS, items: record } },
    });
  }

  parse(body: unknown): ParsedUsageRequest {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidRequestError([{ field: 'body', message: 'the body must be a JSON object: one record, or {records: [...]}' }]);
    }
    const isBatch = 'records' in body;
    const validate = isBatch ? this.batch : this.single;
    if (!validate(body)) throw new InvalidRequestError(this.details(validate.errors ?? []));
    return isBatch
      ? { records: (body as { records: IncomingUsageRecord[] }).records, single: false }
      : { records: [body as IncomingUsageRecord], single: true };
  }

  private details(errors: readonly ErrorObject[]): ErrorDetail[] {
    // A batch over the limit says so once, not once per record.
    const tooMany = errors.find((error) => error.keyword === 'maxItems');
    if (tooMany) return [{ field: 'records', message: messageOf(tooMany, 'records') }];
    const details: ErrorDetail[] = [];
    const seen = new Set<string>();
    for (const error of errors) {
      const field = fieldOf(error);
      const message = messageOf(error, field);
      const key = `${field}\u0000${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      details.push({ field, message });
      if (details.length >= MAX_DETAILS) break;
    }
    return details;
  }
}
