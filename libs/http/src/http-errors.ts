import { DomainError } from '@app/ddd';
import { ErrorDetail } from './error-body';

/** Errors raised at the HTTP edge itself (validation, authentication), in the same shape as domain ones. */
export class InvalidRequestError extends DomainError<'invalid_request'> {
  constructor(details: readonly ErrorDetail[], message = 'The request is not valid') {
    super('invalid_request', message, { details });
  }
}

export class UnauthorizedError extends DomainError<'unauthorized'> {
  constructor(message = 'Authentication is required') {
    super('unauthorized', message);
  }
}

export class ForbiddenError extends DomainError<'forbidden'> {
  constructor(message = 'You are not allowed to do this') {
    super('forbidden', message);
  }
}

export class NotFoundError extends DomainError<'not_found'> {
  constructor(what = 'resource') {
    super('not_found', `No such ${what}`);
  }
}
