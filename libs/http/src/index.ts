export { ErrorBody, ErrorDetail } from './error-body';
export { registeredErrorCodes, registerErrorStatuses, statusOfErrorCode } from './error-status';
export { ForbiddenError, InvalidRequestError, NotFoundError, UnauthorizedError } from './http-errors';
export { createValidationPipe } from './validation';
export { ErrorFilter, toErrorResponse } from './error.filter';
export { AuthenticatedRequest, Context, requestContextOf } from './request-context.decorator';
export { createHttpApp, createLogger, HttpAppOptions, nestLoggerOver, registeredRoutes, RegisteredRoute } from './create-http-app';
export { FastHandler, FastLane, FastRequest } from './fast-lane';
