import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorDetail } from './error-body';
import { InvalidRequestError } from './http-errors';

function flatten(errors: readonly ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** U+0000, or a UTF-16 surrogate without its pair (JSON can carry both as `\u` escapes). */
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * PostgreSQL stores neither in text or jsonb, so such a string would fail the append that records it
 * (a 500). Every string of a body, query or path is checked, whatever the route does with it. The walk
 * keeps its own stack: request JSON of any depth must not exhaust the call stack.
 */
function unstorableTextFields(root: unknown, rootField: string): ErrorDetail[] {
  const found: ErrorDetail[] = [];
  const pending: Array<[unknown, string]> = [[root, rootField]];
  while (pending.length > 0) {
    const [value, field] = pending.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE_TEXT.test(value)) found.push({ field, message: `${field} must not contain a NUL character or an unpaired surrogate` });
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) pending.push([value[index], `${field}[${index}]`]);
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, item] = entries[index];
        const path = field ? `${field}.${key}` : key;
        pending.push([item, path], [key, path]);
      }
    }
  }
  return found;
}

const BODY_OPTIONAL = Symbol('body optional');

/**
 * Marks a DTO whose every field is optional as one a request may leave out altogether (`DELETE /v1/me`
 * with or without `{password}`): no body then reads as `{}`. Any other DTO needs a JSON object.
 */
export function BodyOptional(): ClassDecorator {
  return (target) => {
    Object.defineProperty(target, BODY_OPTIONAL, { value: true });
  };
}

/**
 * A body that is not a JSON object (an array, a string from another content type) is refused first,
 * then any request text PostgreSQL could not store.
 */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value === undefined && metadata.metatype && BODY_OPTIONAL in metadata.metatype) value = {};
    if (
      metadata.type === 'body' &&
      metadata.metatype &&
      metadata.metatype !== Object &&
      (value === null || typeof value !== 'object' || Array.isArray(value))
    ) {
      throw new InvalidRequestError([{ field: 'body', message: 'The request body must be a JSON object' }]);
    }
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const unstorable = unstorableTextFields(value, metadata.data ?? '');
      if (unstorable.length > 0) throw new InvalidRequestError(unstorable);
    }
    return super.transform(value, metadata);
  }
}

/** class-validator at the edge: unknown fields are refused, types are not coerced. */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidRequestError(flatten(errors)),
  });
}
