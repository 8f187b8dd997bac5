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

/** A body that is not a JSON object (an array, a string from another content type) is refused first. */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new InvalidRequestError([{ field: 'body', message: 'The request body must be a JSON object' }]);
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
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidRequestError(flatten(errors)),
  });
}
